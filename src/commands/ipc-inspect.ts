// IpC inspection: evtchn (a domain's event-channel ports), grants (its grant table and mappings) and
// ipcs (every queue, segment, pipe, pending signal and channel counter, like Linux's ipcs). ipcs's --json
// data is what the console's IpC panel draws: fills, waiters, attachers, pending signals, activity.

import type { Domain } from '../engine/domain.js';
import type { Engine } from '../engine/index.js';
import { GTF_readonly, GTF_reading, GTF_writing } from '../engine/mm/grant.js';
import { hexKey } from '../engine/ipc/keys.js';
import { nameOf as ipcName } from '../engine/ipc/state.js';
import type { Ipc } from '../engine/ipc/subsystem.js';
import { waitsOn } from '../engine/waiting.js';
import { maybe, one } from './args.js';
import { pvm } from './kinds.js';
import { table } from './format.js';
import { command, type AnyCommand } from './types.js';

function nameOf(hv: Engine, domid: number): string {
  return ipcName(hv.domains, hv.ipc, domid);
}

/** A family by its root's name (the root may be gone while the family lives on). */
function famOf(hv: Engine, family: number): string {
  return ipcName(hv.domains, hv.ipc, family);
}

// ---- evtchn --------------------------------------------------------------------------------------

function portsData(hv: Engine, ipc: Ipc, d: Domain) {
  const ports = ipc.evtchn.portsOf(d.domid).map((p) => ({
    port: p.port,
    type: p.state,
    remote_domid: p.state === 'interdomain' || p.state === 'unbound' ? p.remoteDom : null,
    remote: p.state === 'interdomain' || p.state === 'unbound' ? nameOf(hv, p.remoteDom) : null,
    remote_port: p.state === 'interdomain' ? p.remotePort : null,
    vcpu: p.vcpu,
    pending: p.pending,
    masked: p.masked,
    use: p.use,
  }));
  const vcpus = ipc.evtchn
    .vcpuBits(d.domid)
    .map((v, i) => ({ vcpu: i, selector: v.selector.toString(2), upcall_pending: v.upcallPending }));
  const limit = ipc.evtchn.highestPort(d.domid);
  return { name: d.name, domid: d.domid, limit, ports, vcpus, ...ipc.evtchn.activity(d.domid) };
}

const evtchn = command({
  name: 'evtchn',
  family: 'inspect',
  summary: 'Event-channel ports of a pVM (or of every pVM that has any): type, remote end, pending, masked',
  args: { pvm: maybe(pvm) },
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const doms =
      a.pvm !== undefined
        ? [a.pvm]
        : ipc.evtchn
            .domains()
            .map((id) => hv.domains.get(id)!)
            .filter(Boolean);
    const data = doms.map((d) => portsData(hv, ipc, d));
    const blocks = data.map((x) => {
      const head = `${x.name} (domid ${x.domid}): ${x.ports.length} of ${x.limit} ports in use; ${x.sent} sent, ${x.received} received; ${x.vcpus.map((v) => `vCPU${v.vcpu} selector ${v.selector} upcall ${v.upcall_pending ? 1 : 0}`).join(', ') || 'no events yet'}`;
      if (x.ports.length === 0) return `${head}\n  (no ports)`;
      const rows: (string | number)[][] = [['Port', 'Type', 'Remote', 'RPort', 'Pending', 'Masked', 'Use']];
      for (const p of x.ports)
        rows.push([p.port, p.type, p.remote ?? '-', p.remote_port ?? '-', p.pending ? 1 : 0, p.masked ? 1 : 0, p.use]);
      return `${head}\n${table(rows)}`;
    });
    return {
      text: blocks.join('\n\n') || 'no event channels in use (pVMs get one per pair: fork, or first contact)',
      data: { domains: data },
    };
  },
});

// ---- grants --------------------------------------------------------------------------------------

function flagsText(f: number): string {
  const out = ['permit_access'];
  if (f & GTF_readonly) out.push('readonly');
  if (f & GTF_reading) out.push('reading');
  if (f & GTF_writing) out.push('writing');
  return out.join('|');
}

const grants = command({
  name: 'grants',
  family: 'inspect',
  summary: "A pVM's grant table (v1 entries it grants) and the grants of others it maps",
  args: { pvm: one(pvm) },
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const d = a.pvm;
    const entries = ipc.grants.entriesOf(d.domid).map((e) => ({
      ref: e.ref,
      flags: flagsText(e.flags),
      domid: e.domid,
      grantee: nameOf(hv, e.domid),
      frame: e.frame,
      use: e.use,
      mappings: e.readers + e.writers,
    }));
    const maps = ipc.grants.mappingsOf(d.domid).map((m) => ({
      handle: m.handle,
      granter: nameOf(hv, m.granter),
      granter_domid: m.granter,
      ref: m.ref,
      readonly: m.readonly,
    }));
    const lines = [
      `${d.name} (domid ${d.domid}) grants ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, maps ${maps.length} of others'`,
    ];
    if (entries.length) {
      const rows: (string | number)[][] = [['Ref', 'Flags', 'Domid', 'Grantee', 'Frame', 'Use']];
      for (const e of entries) rows.push([e.ref, e.flags, e.domid, e.grantee, e.frame, e.use]);
      lines.push(table(rows));
    }
    if (maps.length) {
      const rows: (string | number)[][] = [['Handle', 'Granter', 'Ref', 'Access']];
      for (const m of maps) rows.push([m.handle, `${m.granter} (${m.granter_domid})`, m.ref, m.readonly ? 'ro' : 'rw']);
      lines.push(table(rows));
    }
    return { text: lines.join('\n'), data: { name: d.name, domid: d.domid, entries, mappings: maps } };
  },
});

// ---- ipcs ----------------------------------------------------------------------------------------

/** Everything the IpC panel shows, as data. */
export function ipcsData(hv: Engine) {
  const ipc = hv.ipc;
  const queues = [...ipc.queues.values()].map((q) => ({
    msqid: q.id,
    key: q.key,
    key_hex: hexKey(q.key),
    owner: nameOf(hv, q.creator),
    family: famOf(hv, q.family),
    bytes: q.cbytes,
    qbytes: q.qbytes,
    fill: q.qbytes ? q.cbytes / q.qbytes : 0,
    messages: q.messages.length,
    types: [...new Set(q.messages.map((m) => m.type))].sort((x, y) => x - y),
    receivers: q.receivers.map((id) => nameOf(hv, id)),
    senders: q.senders.map((id) => nameOf(hv, id)),
    sent: q.sent,
    received: q.received,
  }));
  const segments = [...ipc.segments.values()].map((s) => ({
    shmid: s.id,
    key: s.key,
    key_hex: hexKey(s.key),
    owner: nameOf(hv, s.creator),
    family: famOf(hv, s.family),
    bytes: s.bytes,
    pages: s.master.pages,
    nattch: s.attachers.length,
    attachers: s.attachers.map((id) => nameOf(hv, id)),
  }));
  const waiterOf = (domid: number, call: 'read' | 'write', id: number): boolean =>
    waitsOn(hv.domains.get(domid)?.waiting, call, id) !== null;
  const pipes = [...ipc.pipes.values()].map((p) => ({
    pipe: p.id,
    writer: nameOf(hv, p.writer),
    reader: nameOf(hv, p.reader),
    family: famOf(hv, p.family),
    bytes: p.ring.ready(),
    ring_bytes: p.ring.size,
    fill: p.ring.ready() / p.ring.size,
    write_end: p.writerOpen ? 'open' : 'closed',
    read_end: p.readerOpen ? 'open' : 'closed',
    waiters: [
      ...(waiterOf(p.writer, 'write', p.id) ? [`${nameOf(hv, p.writer)} (write)`] : []),
      ...(waiterOf(p.reader, 'read', p.id) ? [`${nameOf(hv, p.reader)} (read)`] : []),
    ],
    bytes_in: p.bytesIn,
    bytes_out: p.bytesOut,
  }));
  const signals = [...ipc.signals].map(([id, s]) => ({
    pvm: nameOf(hv, id),
    domid: id,
    pending: [...s.pending],
    delivered: s.delivered,
    handled: s.handled,
  }));
  const evtchn = ipc.evtchn.domains().map((id) => ({
    pvm: nameOf(hv, id),
    domid: id,
    ports: ipc.evtchn.portsOf(id).length,
    pending: ipc.evtchn.portsOf(id).filter((p) => p.pending).length,
    ...ipc.evtchn.activity(id),
  }));
  const blocked = [...hv.domains.values()]
    .filter((d) => d.waiting)
    .map((d) => ({ pvm: d.name, domid: d.domid, call: d.waiting!.call, on: d.waiting!.on }));
  const links = [...ipc.links.values()].map((l) => ({
    a: nameOf(hv, l.a),
    b: nameOf(hv, l.b),
    lineal: l.lineal,
    ports: [l.portA, l.portB],
  }));
  return { queues, segments, pipes, signals, evtchn, blocked, links };
}

const ipcs = command({
  name: 'ipcs',
  family: 'inspect',
  summary: 'Every message queue, shm segment and pipe (owner, family, bytes, messages, waiters), like ipcs',
  args: {},
  run(ctx) {
    const hv = ctx.hv;
    const x = ipcsData(hv);
    const out: string[] = [];
    out.push('------ Message Queues --------');
    const q: (string | number)[][] = [['key', 'msqid', 'owner', 'family', 'used-bytes', 'messages', 'waiters']];
    for (const m of x.queues)
      q.push([
        m.key_hex,
        m.msqid,
        m.owner,
        m.family,
        `${m.bytes}/${m.qbytes}`,
        m.messages,
        waiters(m.receivers, m.senders),
      ]);
    out.push(table(q));
    out.push('', '------ Shared Memory Segments --------');
    const s: (string | number)[][] = [['key', 'shmid', 'owner', 'family', 'bytes', 'nattch', 'attached']];
    for (const g of x.segments)
      s.push([g.key_hex, g.shmid, g.owner, g.family, g.bytes, g.nattch, g.attachers.join(',') || '-']);
    out.push(table(s));
    out.push('', '------ Pipes --------');
    const p: (string | number)[][] = [['pipe', 'writer', 'reader', 'family', 'used-bytes', 'ends', 'waiters']];
    for (const r of x.pipes)
      p.push([
        r.pipe,
        r.writer,
        r.reader,
        r.family,
        `${r.bytes}/${r.ring_bytes}`,
        `w:${r.write_end} r:${r.read_end}`,
        r.waiters.join(',') || '-',
      ]);
    out.push(table(p));
    const pend = x.signals.filter((g) => g.pending.length > 0);
    if (pend.length)
      out.push('', '------ Pending Signals --------', ...pend.map((g) => `${g.pvm}: ${g.pending.join(' ')}`));
    return { text: out.join('\n'), data: x };
  },
});

function waiters(receivers: string[], senders: string[]): string {
  const w = [...receivers.map((r) => `${r} (msgrcv)`), ...senders.map((s) => `${s} (msgsnd)`)];
  return w.join(',') || '-';
}

export const IPC_INSPECT: AnyCommand[] = [evtchn, grants, ipcs];

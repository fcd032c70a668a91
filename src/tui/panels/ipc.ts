// IpC: each message queue with its messages' types in queue order (`[1 1 2]`) and each blocked receiver
// with the type it wants (`⇐ web.4 waits t5`); each pipe with its ring's fill (moving while a write or
// read plays) and the end blocked on it; shared memory segments with who has them attached; pending
// signals; event-channel notifications since the last command (ipcs's counters are cumulative: the
// panel shows the difference). From ipcs's data (src/commands/ipc-inspect.ts) and the engine's queues
// and waits; it appears when a pipe, queue, segment or pending signal exists.

import type { Engine } from '../../engine/index.js';
import { waitsOn } from '../../engine/waiting.js';
import { fill } from '../format.js';
import { type Line, LineBuilder, paint } from '../line.js';
import type { ConsoleModel, IpcData } from '../model.js';
import { typeWanted } from '../waits.js';
import { aboveNote, type Panel, type PanelCtx, type PanelView, windowOf } from './registry.js';

const BAR = 10;
/** Message types shown per queue before `+N`. */
const TYPES = 12;

function bar(b: LineBuilder, frac: number): LineBuilder {
  const [f, e] = fill(frac, BAR);
  return b
    .add('[')
    .add('█'.repeat(f), frac >= 1 ? paint.warn : paint.info)
    .add('░'.repeat(e), paint.dim)
    .add(']');
}

/** Notifications sent and received per domain since the snapshot before, busiest first. */
export function channelActivity(
  now: IpcData,
  before: IpcData | null,
): { pvm: string; sent: number; received: number }[] {
  const prev = new Map((before?.evtchn ?? []).map((e) => [e.domid, e]));
  return now.evtchn
    .map((e) => ({
      pvm: e.pvm,
      sent: e.sent - (prev.get(e.domid)?.sent ?? 0),
      received: e.received - (prev.get(e.domid)?.received ?? 0),
    }))
    .filter((a) => a.sent > 0 || a.received > 0)
    .sort((a, b) => b.sent + b.received - (a.sent + a.received) || a.pvm.localeCompare(b.pvm));
}

/** A queue's messages' types, in queue order. */
function typesOf(hv: Engine, msqid: number): number[] {
  return hv.ipc.queues.get(msqid)?.messages.map((x) => x.type) ?? [];
}

/** A queue's blocked receivers with the type each wants. */
function receiversOf(hv: Engine, msqid: number): string[] {
  const q = hv.ipc.queues.get(msqid);
  if (!q) return [];
  return q.receivers.map((id) => {
    const d = hv.domains.get(id);
    const w = waitsOn(d?.waiting, 'msgrcv', msqid);
    return `${d?.name ?? `#${id}`} waits${w ? typeWanted(w.type) || ' any type' : ''}`;
  });
}

function queueLines(m: ConsoleModel, q: IpcData['queues'][number], width: number): Line[] {
  const hv = m.shell.hv;
  const types = typesOf(hv, q.msqid);
  const shown = types.slice(0, TYPES).join(' ');
  const b = new LineBuilder(width)
    .add(`q${q.msqid} `, paint.bold)
    .add(`${q.key_hex} ${q.owner} `)
    .add(`[${shown}${types.length > TYPES ? ` +${types.length - TYPES}` : ''}]`, paint.info)
    .add(` ${q.messages} msg${q.messages === 1 ? '' : 's'} ${q.bytes}/${q.qbytes}B`);
  const out = [b.done()];
  const waiters = [...receiversOf(hv, q.msqid), ...q.senders.map((s) => `${s} waits to send`)];
  for (const w of waiters) out.push(new LineBuilder(width).add('  ⇐ ', paint.warn).add(w, paint.warn).done());
  return out;
}

function pipeLine(m: ConsoleModel, p: IpcData['pipes'][number], width: number): Line[] {
  const shownFill = m.animator.ringFill(p.pipe, p.fill);
  const b = new LineBuilder(width).add(`p${p.pipe} `, paint.bold).add(`${p.writer}→${p.reader} `);
  bar(b, shownFill).add(` ${Math.round(shownFill * p.ring_bytes)}/${p.ring_bytes}B`);
  if (p.write_end !== 'open' || p.read_end !== 'open') b.add(` w:${p.write_end} r:${p.read_end}`, paint.dim);
  const out = [b.done()];
  for (const w of p.waiters)
    out.push(new LineBuilder(width).add('  ⇐ ', paint.warn).add(`${w} blocked`, paint.warn).done());
  return out;
}

function allLines(m: ConsoleModel, x: IpcData, before: IpcData | null, width: number): Line[] {
  const out: Line[] = [];
  for (const q of x.queues) out.push(...queueLines(m, q, width));
  for (const p of x.pipes) out.push(...pipeLine(m, p, width));
  for (const s of x.segments)
    out.push(
      new LineBuilder(width)
        .add(`shm${s.shmid} `, paint.bold)
        .add(`${s.key_hex} ${s.bytes}B ${s.pages}p `)
        .add(s.nattch > 0 ? `attached: ${s.attachers.join(', ')}` : 'not attached', s.nattch > 0 ? paint.ok : paint.dim)
        .done(),
    );
  for (const g of x.signals.filter((s) => s.pending.length > 0))
    out.push(
      new LineBuilder(width)
        .add('signal pending: ', paint.bold)
        .add(`${g.pvm} ${g.pending.join(' ')}`, paint.event)
        .done(),
    );
  const act = channelActivity(x, before);
  const b = new LineBuilder(width).add('evtchn since last command: ', paint.dim);
  if (act.length === 0) b.add('quiet', paint.dim);
  else b.add(act.map((a) => `${a.pvm} ↑${a.sent} ↓${a.received}`).join(', '));
  out.push(b.done());
  return out;
}

function view(ctx: PanelCtx): PanelView {
  const m = ctx.model;
  const x = m.snapshot.ipc;
  const all = allLines(m, x, m.snapshot.ipcBefore, ctx.width);
  const w = windowOf(all, ctx.rows, ctx.scroll, ctx.width);
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const blocked = x.blocked.length;
  return {
    title: `IpC: ${count(x.queues.length, 'queue')}, ${count(x.pipes.length, 'pipe')}, ${count(x.segments.length, 'segment')}`,
    note: aboveNote(w.first) || (blocked > 0 ? `${blocked} blocked` : 'ipcs for all'),
    lines: w.lines,
    total: all.length,
    first: w.first,
  };
}

export const ipcPanel: Panel = {
  id: 'ipc',
  tab: 'IpC',
  followsSelection: false,
  available: (m) => {
    const x = m.snapshot.ipc;
    return (
      x.pipes.length > 0 || x.queues.length > 0 || x.segments.length > 0 || x.signals.some((g) => g.pending.length > 0)
    );
  },
  need: (m) => {
    const x = m.snapshot.ipc;
    const waiters = x.queues.reduce((t, q) => t + q.receivers.length + q.senders.length, 0);
    const pipeWaiters = x.pipes.reduce((t, p) => t + p.waiters.length, 0);
    const pending = x.signals.filter((g) => g.pending.length > 0).length;
    return x.queues.length + waiters + x.pipes.length + pipeWaiters + x.segments.length + pending + 1;
  },
  view,
};

// The shape of the IpC section of a saved state, checked before Ipc.load trusts it: every record has its
// fields with the right types, and event-channel tables and ports name domains and vCPUs that exist (pipes,
// queues and grants may name a destroyed peer; check() judges those). A hand-edited file
// that fails here is refused at load (EINVAL naming the field), instead of failing later inside `evtchn`
// or `read` as an internal error. Cross-record invariants (peers symmetric, pins = mappings) stay in check().

import { fail } from '../errors.js';
import { arr, arrOf, arrShape, exists, field, obj, Rec, record, shape } from '../validate.js';
import { RING_MAX, RING_MIN } from './pipe.js';

const PORT_STATES = new Set(['unbound', 'interdomain', 'virq', 'ipi']);

/** `isDomain(domid)`: a domain of the saved state (live or zombie). */
export function checkIpcShape(data: unknown, isDomain: (domid: number) => boolean): void {
  const s = record(data, 'ipc');
  checkEvtchn(obj(s, 'evtchn', 'ipc'), isDomain);
  checkGrants(obj(s, 'grants', 'ipc'));
  const region = { name: 'str', kind: 'str', pages: 'nat', p2m: 'arr' } as const;
  arrShape(s, 'links', 'ipc', {
    a: 'nat',
    b: 'nat',
    portA: 'nat',
    portB: 'nat',
    page: 'obj',
    ref: 'nat',
    handle: 'nat',
    lineal: 'bool',
  }).forEach((l, i) => {
    shape(l.page, `ipc.links[${i}].page`, region);
  });
  arrShape(s, 'pipes', 'ipc', {
    id: 'nat',
    writer: 'nat',
    reader: 'nat',
    family: 'nat',
    ring: 'obj',
    pages: 'obj?',
    refs: 'arr',
    handles: 'arr',
    writerOpen: 'bool',
    readerOpen: 'bool',
    bytesIn: 'nat',
    bytesOut: 'nat',
  }).forEach((p, i) => {
    const where = `ipc.pipes[${i}]`;
    arrOf(p, 'refs', 'nat', where);
    arrOf(p, 'handles', 'nat', where);
    checkRing(p.ring as Rec, `${where}.ring`);
  });
  arrShape(s, 'queues', 'ipc', {
    id: 'nat',
    key: 'int',
    family: 'nat',
    creator: 'nat',
    qbytes: 'nat',
    messages: 'arr',
    cbytes: 'nat',
    receivers: 'arr',
    senders: 'arr',
    sent: 'nat',
    received: 'nat',
  }).forEach((q, i) => {
    const where = `ipc.queues[${i}]`;
    arrShape(q, 'messages', where, { type: 'nat', bytes: 'str' });
    for (const k of ['receivers', 'senders']) arrOf(q, k, 'nat', where);
  });
  arrShape(s, 'segments', 'ipc', {
    id: 'nat',
    key: 'int',
    family: 'nat',
    creator: 'nat',
    bytes: 'nat',
    master: 'obj',
    attachers: 'arr',
  }).forEach((x, i) => {
    const where = `ipc.segments[${i}]`;
    arrOf(x, 'attachers', 'nat', where);
  });
  arr(s, 'signals', 'ipc').forEach((e, i) => {
    const where = `ipc.signals[${i}]`;
    if (!Array.isArray(e) || e.length !== 2) fail('EINVAL', `state: ${where} must be a [domid, counters] pair`);
    field({ domid: e[0] }, 'domid', 'nat', where);
    const x = shape(e[1], `${where}[1]`, { delivered: 'nat', handled: 'nat', pending: 'arr' });
    arrOf(x, 'pending', 'str', `${where}[1]`);
  });
  if (s.gone !== undefined)
    arr(s, 'gone', 'ipc').forEach((e, i) => {
      const where = `ipc.gone[${i}]`;
      if (!Array.isArray(e) || e.length !== 2) fail('EINVAL', `state: ${where} must be a [domid, name] pair`);
      field({ domid: e[0], name: e[1] }, 'domid', 'nat', where);
      field({ domid: e[0], name: e[1] }, 'name', 'str', where);
    });
  shape(s.next, 'ipc.next', { pipe: 'nat', msq: 'nat', shm: 'nat' });
}

function checkRing(r: Rec, where: string): void {
  shape(r, where, { size: 'nat', prod: 'nat', cons: 'nat', data: 'str', readerWants: 'bool', writerWants: 'bool' });
  const size = r.size as number;
  if (size < RING_MIN || size > RING_MAX || (size & (size - 1)) !== 0)
    fail('EINVAL', `state: ${where}.size must be a power of two from ${RING_MIN} to ${RING_MAX}`);
  if ((r.prod as number) - (r.cons as number) !== (r.data as string).length || (r.data as string).length > size) {
    fail(
      'EINVAL',
      `state: ${where} holds ${(r.data as string).length} bytes, but prod - cons is ${(r.prod as number) - (r.cons as number)} (of ${size})`,
    );
  }
}

/** Tables are [domid, table] pairs; each names a domain of the state. */
function tables(o: Rec, where: string, isDomain: ((domid: number) => boolean) | null): [number, Rec, string][] {
  return arr(o, 'tables', where).map((e, i) => {
    const w = `${where}.tables[${i}]`;
    if (!Array.isArray(e) || e.length !== 2) fail('EINVAL', `state: ${w} must be a [domid, table] pair`);
    field({ domid: e[0] }, 'domid', 'nat', w);
    if (isDomain) exists(isDomain(e[0] as number), `${w}[0]`, `domain ${String(e[0])}`);
    return [e[0] as number, record(e[1], `${w}[1]`), `${w}[1]`];
  });
}

function checkEvtchn(e: Rec, isDomain: (domid: number) => boolean): void {
  for (const [, t, where] of tables(e, 'ipc.evtchn', isDomain)) {
    shape(t, where, { ports: 'arr', vcpus: 'arr', sent: 'nat', received: 'nat' });
    const vcpus = arrShape(t, 'vcpus', where, { upcallPending: 'bool' });
    vcpus.forEach((v, i) => {
      // Decimal digits (a 64-bit word); a plain number in states saved before.
      const sel = v.selector;
      if (
        !(typeof sel === 'string' && /^[0-9]{1,20}$/.test(sel)) &&
        !(Number.isSafeInteger(sel) && (sel as number) >= 0)
      )
        fail('EINVAL', `state: ${where}.vcpus[${i}].selector must be a non-negative integer`);
      if (BigInt(sel as string | number) >= 1n << 64n)
        fail('EINVAL', `state: ${where}.vcpus[${i}].selector must fit in 64 bits`);
    });
    arrShape(t, 'ports', where, {
      port: 'nat',
      state: 'str',
      remoteDom: 'nat',
      remotePort: 'nat',
      virq: 'nat',
      vcpu: 'nat',
      pending: 'bool',
      masked: 'bool',
      use: 'str',
    }).forEach((p, i) => {
      if (!PORT_STATES.has(p.state as string))
        fail('EINVAL', `state: ${where}.ports[${i}].state must be unbound, interdomain, virq or ipi`);
      exists((p.vcpu as number) < vcpus.length, `${where}.ports[${i}].vcpu`, `vCPU ${String(p.vcpu)}`);
    });
  }
}

function checkGrants(g: Rec): void {
  // A grant table may outlive its domain for a while (mappings of a destroyed peer); check() judges that.
  for (const [, t, where] of tables(g, 'ipc.grants', null)) {
    shape(t, where, { entries: 'arr', maps: 'arr', nextHandle: 'nat' });
    arrShape(t, 'entries', where, {
      ref: 'nat',
      flags: 'nat',
      domid: 'nat',
      frame: 'nat',
      use: 'str',
      readers: 'nat',
      writers: 'nat',
    });
    arrShape(t, 'maps', where, { handle: 'nat', granter: 'nat', ref: 'nat', readonly: 'bool' });
  }
}

// The shape of the core's part of the scheduler's section of a saved state, checked before loadCore
// trusts it: each pCPU, vCPU and domain record has its fields with the right types, and the uids, pCPUs
// and domids in them name records that exist. Whether the domids name domains of the state is
// checkCore's (check.ts) job; the policy checks its own part (`params`, `priv`).

import { fail } from '../errors.js';
import { arrOf, arrShape, exists, obj, Rec, record, shape } from '../validate.js';

const RUNSTATES = new Set(['running', 'runnable', 'blocked', 'offline']);
const MAX_UID = 2 ** 24;

export function checkCoreShape(data: unknown): void {
  const s = shape(data, 'sched', {
    params: 'obj',
    pcpus: 'arr',
    vcpus: 'arr',
    doms: 'arr',
    nextUid: 'nat',
    timers: 'obj',
    last: 'obj?',
  });
  const pcpus = arrShape(s, 'pcpus', 'sched', {
    id: 'nat',
    curr: 'int',
    timerSeq: 'nat',
    busyNs: 'nat',
  });
  if (pcpus.length === 0) fail('EINVAL', 'state: sched.pcpus must list at least one pCPU');
  // vCPU records are kept in an array by uid (state.ts UidTable): a uid far past any the engine could
  // have made (100,000 pVMs of 128 vCPUs is under 2^24) would have it grow past memory at the next fork.
  if ((s.nextUid as number) > MAX_UID) fail('EINVAL', `state: sched.nextUid must be at most ${MAX_UID}`);
  const uids = new Map<number, Rec>();
  arrShape(s, 'vcpus', 'sched', {
    uid: 'nat',
    domid: 'nat',
    id: 'nat',
    state: 'str',
    cpu: 'nat',
    stateSinceNs: 'nat',
    chargedToNs: 'nat',
    cpuNs: 'nat',
    parked: 'bool',
    affinity: 'arr?',
    wakeSeq: 'nat',
    w: 'obj',
  }).forEach((v, i) => {
    const where = `sched.vcpus[${i}]`;
    if (!RUNSTATES.has(v.state as string))
      fail('EINVAL', `state: ${where}.state must be running, runnable, blocked or offline`);
    exists(
      (v.uid as number) < (s.nextUid as number) && !uids.has(v.uid as number),
      `${where}.uid`,
      `a fresh uid below nextUid (${String(v.uid)} is not)`,
    );
    exists((v.cpu as number) < pcpus.length, `${where}.cpu`, `pCPU ${String(v.cpu)}`);
    if (v.affinity !== null)
      arrOf(v, 'affinity', 'nat', where).forEach((c, j) =>
        exists((c as number) < pcpus.length, `${where}.affinity[${j}]`, `pCPU ${String(c)}`),
      );
    if (v.down !== undefined && typeof v.down !== 'boolean')
      fail('EINVAL', `state: ${where}.down must be true or false`);
    // Soft affinity came later: a state without it has none (all pCPUs).
    if (v.soft !== undefined && v.soft !== null) cpuList(v, 'soft', where, pcpus.length);
    const w = shape(v.w, `${where}.w`, {
      kind: 'nat',
      rng: 'num',
      nextArrivalNs: 'num',
      queue: 'arr',
      burstLeftNs: 'nat',
      burstArrivalNs: 'num',
      burstLib: 'str?',
      carried: 'nat?',
      deliverTo: 'int?',
      served: 'nat',
      dropped: 'nat',
      failed: 'nat',
      written: 'nat',
      cow: 'nat',
    });
    arrOf(w, 'queue', 'num', `${where}.w`);
    uids.set(v.uid as number, v);
  });
  const hasUid = (where: string) => (u: unknown, j: number) =>
    exists(uids.has(u as number), `${where}[${j}]`, `vCPU ${String(u)}`);
  pcpus.forEach((p, i) => {
    const where = `sched.pcpus[${i}]`;
    if ((p.curr as number) !== -1) hasUid(`${where}.curr`)(p.curr, 0);
  });
  const domids = new Set<number>();
  arrShape(s, 'doms', 'sched', {
    domid: 'nat',
    vcpus: 'arr',
    cpuNsGone: 'nat',
    paused: 'bool',
    waiting: 'bool',
  }).forEach((d, i) => {
    const where = `sched.doms[${i}]`;
    domids.add(d.domid as number);
    if (d.exited !== undefined)
      arrOf(d, 'exited', 'obj', where).forEach((x, j) => {
        const at = `${where}.exited[${j}]`;
        const e = shape(x, at, { id: 'nat', cpu: 'nat', cpuNs: 'nat', affinity: 'arr?', soft: 'arr?' });
        exists((e.cpu as number) < pcpus.length, `${at}.cpu`, `pCPU ${String(e.cpu)}`);
        if (e.affinity !== null) cpuList(e, 'affinity', at, pcpus.length);
        if (e.soft !== null) cpuList(e, 'soft', at, pcpus.length);
      });
    arrOf(d, 'vcpus', 'nat', where).forEach((u, j) =>
      exists(
        uids.get(u as number)?.domid === d.domid,
        `${where}.vcpus[${j}]`,
        `a vCPU ${String(u)} of domain ${String(d.domid)}`,
      ),
    );
  });
  for (const [u, v] of uids)
    exists(domids.has(v.domid as number), `sched vCPU ${u}.domid`, `scheduler domain ${String(v.domid)}`);
  const t = obj(s, 'timers', 'sched');
  shape(t, 'sched.timers', { nextSeq: 'nat', heap: 'arr' });
  const heap = arrOf(t, 'heap', 'num', 'sched.timers');
  if (heap.length % 4 !== 0) fail('EINVAL', 'state: sched.timers.heap must hold [at, seq, kind, target] fours');
  if (s.last !== null) {
    const l = shape(s.last, 'sched.last', { startNs: 'nat', endNs: 'nat', cpuNs: 'obj', busyNs: 'arr' });
    arrOf(l, 'busyNs', 'nat', 'sched.last');
    const c = record(l.cpuNs, 'sched.last.cpuNs');
    for (const k of Object.keys(c))
      if (typeof c[k] !== 'number') fail('EINVAL', `state: sched.last.cpuNs.${k} must be a number`);
  }
}

/** A list of pCPU numbers, each naming a pCPU of the host. */
function cpuList(o: Rec, key: string, where: string, pcpus: number): void {
  arrOf(o, key, 'nat', where).forEach((c, j) =>
    exists((c as number) < pcpus, `${where}.${key}[${j}]`, `pCPU ${String(c)}`),
  );
}

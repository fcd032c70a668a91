// The shape of the scheduler's section of a saved state, checked before loadState trusts it: each pCPU,
// vCPU and domain record has its fields with the right types, and the uids, pCPUs and domids in them name
// records that exist. Whether the domids name domains of the state is checkSched's (scheduler.ts) job.

import { fail } from '../errors.js';
import { arrOf, arrShape, exists, obj, Rec, record, shape } from '../validate.js';

const RUNSTATES = new Set(['running', 'runnable', 'blocked', 'offline']);

export function checkSchedShape(data: unknown): void {
  const s = shape(data, 'sched', {
    params: 'obj',
    pcpus: 'arr',
    vcpus: 'arr',
    doms: 'arr',
    activeDoms: 'arr',
    weight: 'nat',
    creditBalance: 'int',
    nextUid: 'nat',
    lastTickle: 'nat',
    balanceBias: 'nat',
    timers: 'obj',
    acctSeq: 'nat',
    last: 'obj?',
  });
  shape(s.params, 'sched.params', { tsliceMs: 'num', ratelimitUs: 'num', boost: 'bool' });
  const pcpus = arrShape(s, 'pcpus', 'sched', {
    id: 'nat',
    curr: 'int',
    runq: 'arr',
    timerSeq: 'nat',
    nextTickNs: 'nat',
    sliceEndNs: 'nat',
    busyNs: 'nat',
  });
  if (pcpus.length === 0) fail('EINVAL', 'state: sched.pcpus must list at least one pCPU');
  const uids = new Map<number, Rec>();
  arrShape(s, 'vcpus', 'sched', {
    uid: 'nat',
    domid: 'nat',
    id: 'nat',
    state: 'str',
    cpu: 'nat',
    pri: 'int',
    credit: 'int',
    residual: 'num',
    burnFromNs: 'nat',
    stateSinceNs: 'nat',
    chargedToNs: 'nat',
    cpuNs: 'nat',
    active: 'bool',
    parked: 'bool',
    affinity: 'arr?',
    wakeSeq: 'nat',
    migrateTo: 'int',
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
    exists(
      (v.migrateTo as number) < pcpus.length && (v.migrateTo as number) >= -1,
      `${where}.migrateTo`,
      `pCPU ${String(v.migrateTo)}`,
    );
    if (v.affinity !== null)
      arrOf(v, 'affinity', 'nat', where).forEach((c, j) =>
        exists((c as number) < pcpus.length, `${where}.affinity[${j}]`, `pCPU ${String(c)}`),
      );
    const w = shape(v.w, `${where}.w`, {
      kind: 'nat',
      rng: 'num',
      nextArrivalNs: 'num',
      queue: 'arr',
      burstLeftNs: 'nat',
      burstArrivalNs: 'num',
      burstLib: 'str?',
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
    arrOf(p, 'runq', 'nat', where).forEach(hasUid(`${where}.runq`));
  });
  const domids = new Set<number>();
  arrShape(s, 'doms', 'sched', {
    domid: 'nat',
    weight: 'nat',
    cap: 'nat',
    vcpus: 'arr',
    activeVcpus: 'arr',
    cpuNsGone: 'nat',
    paused: 'bool',
    waiting: 'bool',
  }).forEach((d, i) => {
    const where = `sched.doms[${i}]`;
    domids.add(d.domid as number);
    for (const k of ['vcpus', 'activeVcpus']) {
      arrOf(d, k, 'nat', where).forEach((u, j) =>
        exists(
          uids.get(u as number)?.domid === d.domid,
          `${where}.${k}[${j}]`,
          `a vCPU ${String(u)} of domain ${String(d.domid)}`,
        ),
      );
    }
  });
  for (const [u, v] of uids)
    exists(domids.has(v.domid as number), `sched vCPU ${u}.domid`, `scheduler domain ${String(v.domid)}`);
  arrOf(s, 'activeDoms', 'nat', 'sched').forEach((d, j) =>
    exists(domids.has(d as number), `sched.activeDoms[${j}]`, `scheduler domain ${String(d)}`),
  );
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

// Credit2's runqueue bookkeeping (xen/common/sched/credit2.c): the ordered queue, assignment of vCPUs to
// runqueues with the maximum weight, the load averages (update_runq_load, update_svc_load), the choice
// of a runqueue for a vCPU (csched2_res_pick) and of what load balancing should move (balance_load's
// search). Pure functions of the private state; moving and tickling are credit2.ts's.

import {
  BALANCE_OVER,
  BALANCE_UNDER,
  C2Runq,
  C2Unit,
  Credit2State,
  LOAD_GRANULARITY,
  LOAD_PRECISION_SHIFT,
  LOAD_WINDOW_SHIFT,
} from './credit2-state.js';
import { allowed, type VCpu } from './state.js';

const W = 2 ** LOAD_WINDOW_SHIFT;
const P = 2 ** LOAD_PRECISION_SHIFT;

// ---- the queue ---------------------------------------------------------------------------------------

/** runq_insert: by credit, highest first, behind every vCPU with as much. */
export function runqInsert(st: Credit2State, q: C2Runq, u: C2Unit): void {
  const runq = q.runq;
  let i = 0;
  while (i < runq.length && u.credit <= st.units.get(runq[i]!)!.credit) i++;
  // The queue is most often empty or short: no splice for an append.
  if (i === runq.length) runq.push(u.uid);
  else runq.splice(i, 0, u.uid);
  u.onRunq = true;
}

export function runqRemove(q: C2Runq, u: C2Unit): void {
  const runq = q.runq;
  if (runq[0] === u.uid) runq.shift();
  else {
    const i = runq.indexOf(u.uid);
    if (i >= 0) runq.splice(i, 1);
  }
  u.onRunq = false;
}

// ---- assignment to a runqueue (_runq_assign, _runq_deassign, update_max_weight) -----------------------

/** The highest weight among a runqueue's vCPUs: raised at once, searched for when the maximum leaves. */
export function updateMaxWeight(st: Credit2State, q: C2Runq, newWeight: number, oldWeight: number): void {
  if (newWeight > q.maxWeight) q.maxWeight = newWeight;
  else if (oldWeight === q.maxWeight) {
    let max = 1;
    for (const uid of q.svc) max = Math.max(max, st.units.get(uid)!.weight);
    q.maxWeight = max;
  }
}

export function runqAssign(st: Credit2State, u: C2Unit, q: C2Runq): void {
  u.rqd = q.id;
  q.svc.push(u.uid);
  updateMaxWeight(st, q, u.weight, 0);
  // Expected new load with this vCPU.
  q.bAvgload += u.avgload;
}

export function runqDeassign(st: Credit2State, u: C2Unit): void {
  const q = st.rqds[u.rqd]!;
  q.svc.splice(q.svc.indexOf(u.uid), 1);
  updateMaxWeight(st, q, 0, u.weight);
  q.bAvgload = Math.max(q.bAvgload - u.avgload, 0);
}

// ---- load averages -----------------------------------------------------------------------------------

/**
 * update_runq_load: the decaying average moves towards the instantaneous load by the share of the
 * window that passed (avg += delta*load/W - delta*avg/W), or becomes it after a whole window. In
 * Q-format (P fractional bits); divisions stand for Xen's right shifts of non-negative values. Exact
 * while delta x load x P stays under 2^53: up to 32768 runnable vCPUs in a runqueue, Xen's own bound.
 */
export function updateRunqLoad(q: C2Runq, change: number, now: number): void {
  const t = Math.floor(now / LOAD_GRANULARITY);
  const load = q.load;
  if (q.loadLastUpdate + W < t) {
    q.avgload = load * P;
    q.bAvgload = load * P;
  } else {
    const delta = Math.max(0, t - q.loadLastUpdate);
    q.avgload = q.avgload + Math.floor((delta * load * P) / W) - Math.floor((delta * q.avgload) / W);
    q.bAvgload = q.bAvgload + Math.floor((delta * load * P) / W) - Math.floor((delta * q.bAvgload) / W);
  }
  q.load += change;
  q.loadLastUpdate = t;
}

/** update_svc_load: a vCPU's own average, towards 1 while runnable and 0 while not. */
export function updateSvcLoad(u: C2Unit, v: VCpu, change: number, now: number): void {
  const runnable = v.state === 'running' || v.state === 'runnable';
  const unitLoad = change === -1 ? 1 : change === 1 ? 0 : runnable ? 1 : 0;
  const t = Math.floor(now / LOAD_GRANULARITY);
  if (u.loadLastUpdate + W < t) u.avgload = unitLoad * P;
  else {
    const delta = Math.max(0, t - u.loadLastUpdate);
    u.avgload = u.avgload + Math.floor((delta * unitLoad * P) / W) - Math.floor((delta * u.avgload) / W);
  }
  u.loadLastUpdate = t;
}

/** update_load: the runqueue's and, when given, the vCPU's. */
export function updateLoad(q: C2Runq, u: C2Unit | null, v: VCpu | null, change: number, now: number): void {
  updateRunqLoad(q, change, now);
  if (u && v) updateSvcLoad(u, v, change, now);
}

// ---- placement ---------------------------------------------------------------------------------------

/** cpumask_cycle: the first of `cpus` (ascending) after n, wrapping round; -1 if there is none. */
export function cycle(n: number, cpus: readonly number[]): number {
  for (const c of cpus) if (c > n) return c;
  return cpus.length > 0 ? cpus[0]! : -1;
}

/** The pCPUs of a runqueue v may use. */
export function allowedIn(v: VCpu, q: C2Runq): number[] {
  return v.affinity === null ? q.cpus : q.cpus.filter((c) => allowed(v, c));
}

/** The next pCPU of q that v may use, from q's pick bias on (which it moves there). */
export function pickIn(v: VCpu, q: C2Runq): number {
  const c = cycle(q.pickBias, allowedIn(v, q));
  q.pickBias = c;
  return c;
}

/**
 * csched2_res_pick: the runqueue load balancing asked it to move to, if it may run there; else the
 * runqueue with the lowest balancing load among those it may run on (its own counted without itself).
 * Within it, the next allowed pCPU from the pick bias.
 */
export function resPick(st: Credit2State, u: C2Unit, v: VCpu): number {
  if (u.migrateRequest) {
    u.migrateRequest = false;
    const t = st.rqds[u.migrateRqd];
    if (t && allowedIn(v, t).length > 0) return pickIn(v, t);
  }
  let min: C2Runq | null = null;
  let minLoad = Infinity;
  for (const q of st.rqds) {
    if (allowedIn(v, q).length === 0) continue;
    const load = q.id === u.rqd ? Math.max(q.bAvgload - u.avgload, 0) : q.bAvgload;
    if (load < minLoad) {
      minLoad = load;
      min = q;
    }
  }
  return pickIn(v, min!);
}

// ---- load balancing's search (balance_load) ------------------------------------------------------------

export interface BalanceMove {
  /** Push this vCPU of the local runqueue to `other`, pull that one of `other` to the local one. */
  push: C2Unit | null;
  pull: C2Unit | null;
  other: C2Runq;
}

/** unit_is_migrateable: not already asked to move, and allowed somewhere in q. */
function migrateable(u: C2Unit, v: VCpu, q: C2Runq): boolean {
  return !u.migrateRequest && allowedIn(v, q).length > 0;
}

/**
 * balance_load's choice: the runqueue whose load differs most from the local one's; nothing unless the
 * difference passes the tolerance (more than one vCPU's worth under full load, 1/8 over it); then the
 * push, pull or swap that leaves the two loads closest.
 */
export function balanceSearch(
  st: Credit2State,
  vcpu: (uid: number) => VCpu,
  cpu: number,
  now: number,
): BalanceMove | null {
  const l = st.rqds[st.pcpus[cpu]!.rqd]!;
  updateRunqLoad(l, 0, now);
  let loadDelta = 0;
  let maxDelta: C2Runq | null = null;
  let last: C2Runq = l;
  for (const q of st.rqds) {
    last = q;
    if (q === l) continue;
    updateRunqLoad(q, 0, now);
    const d = Math.abs(l.bAvgload - q.bAvgload);
    if (d > loadDelta) {
      loadDelta = d;
      maxDelta = q;
    }
  }
  if (!maxDelta) return null;
  // Xen compares with the runqueue its loop ended on (the last one), not the one it chose.
  const loadMax = Math.max(l.bAvgload, last.bAvgload);
  const cpusMax = Math.max(l.cpus.length, last.cpus.length);
  const tolerance = loadMax < cpusMax * P ? BALANCE_UNDER : BALANCE_OVER;
  if (loadDelta < 2 ** (LOAD_PRECISION_SHIFT + tolerance)) return null;
  const o = maxDelta;
  const best: BalanceMove = { push: null, pull: null, other: o };
  const consider = (push: C2Unit | null, pull: C2Unit | null): void => {
    let lLoad = l.bAvgload;
    let oLoad = o.bAvgload;
    if (push) {
      lLoad -= push.avgload;
      oLoad += push.avgload;
    }
    if (pull) {
      lLoad += pull.avgload;
      oLoad -= pull.avgload;
    }
    const d = Math.abs(lLoad - oLoad);
    if (d < loadDelta) {
      loadDelta = d;
      best.push = push;
      best.pull = pull;
    }
  };
  let innerUpdated = false;
  for (const pushId of l.svc) {
    const push = st.units.get(pushId)!;
    updateSvcLoad(push, vcpu(pushId), 0, now);
    if (!migrateable(push, vcpu(pushId), o)) continue;
    for (const pullId of o.svc) {
      const pull = st.units.get(pullId)!;
      if (!innerUpdated) updateSvcLoad(pull, vcpu(pullId), 0, now);
      if (!migrateable(pull, vcpu(pullId), l)) continue;
      consider(push, pull);
    }
    innerUpdated = true;
    consider(push, null);
  }
  for (const pullId of o.svc) {
    const pull = st.units.get(pullId)!;
    if (migrateable(pull, vcpu(pullId), l)) consider(null, pull);
  }
  return best.push || best.pull ? best : null;
}

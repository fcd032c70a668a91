// Credit2's rules for who deserves a pCPU (xen/common/sched/credit2.c): burning credit (burn_credits,
// t2c_update), the end of an epoch (reset_credit), which queued vCPU a pCPU takes (runq_candidate) and for
// how long (csched2_runtime), and which pCPU a newly queued vCPU tickles (runq_tickle, tickle_score).
// Functions of the policy's state and the core's records; the policy (credit2.ts) calls them.

import { NS_PER_US } from '../clock.js';
import { BudgetCtx, grabBudget, hasCap } from './credit2-budget.js';
import {
  C2Runq,
  C2Unit,
  CARRYOVER_MAX,
  CREDIT_INIT,
  CREDIT_MIN,
  Credit2State,
  IDLE_CREDIT,
  MAX_TIMER,
  MIN_TIMER,
  RATELIMIT_TICKLE_TOLERANCE,
} from './credit2-state.js';
import { allowed, type VCpu } from './state.js';

/** What the rules need besides the state: the core, raising a pCPU's schedule softirq, and which are raised. */
export interface Credit2Ctx extends BudgetCtx {
  isTickled(cpu: number): boolean;
}

/** unit_runnable_state: running or queued, and not leaving to be parked or moved. */
export function runnable(v: VCpu, u: C2Unit): boolean {
  return (v.state === 'running' || v.state === 'runnable') && !v.parked && !u.migrating;
}

function migrateResist(st: Credit2State): number {
  return st.params.migrateResistUs * NS_PER_US;
}

function idle(c: Credit2Ctx, cpu: number): boolean {
  return c.core.s.pcpus[cpu]!.curr < 0;
}

/** is_preemptable: the runner has run its rate limit (less a tolerance). */
function preemptable(st: Credit2State, cur: VCpu, now: number): boolean {
  const ratelimit = st.params.ratelimitUs * NS_PER_US;
  if (ratelimit <= RATELIMIT_TICKLE_TOLERANCE) return true;
  return now - cur.stateSinceNs > ratelimit - RATELIMIT_TICKLE_TOLERANCE;
}

/**
 * tickle_score: how much more credit the woken vCPU has than the runner on cpu (less the migration
 * resistance if it last ran elsewhere), plus CREDIT_INIT when positive (cpu is in its soft affinity,
 * which is every pCPU); -1 when the runner may not be preempted yet.
 */
function tickleScore(c: Credit2Ctx, q: C2Runq, now: number, nu: C2Unit, nv: VCpu, cpu: number): number {
  const curr = c.core.s.pcpus[cpu]!.curr;
  const cur = c.core.s.vcpus.get(curr)!;
  if (!preemptable(c.st, cur, now)) return -1;
  const cu = c.st.units.get(curr)!;
  burn(q, cu, now);
  let score = nu.credit - cu.credit;
  if (nv.cpu !== cpu) score -= migrateResist(c.st);
  if (score > 0) score += CREDIT_INIT;
  return score;
}

/**
 * runq_tickle: for a vCPU just queued, an idle pCPU it may use (its own first, else cycling on from it);
 * else the busy pCPU whose runner it beats by most (its own taken at once when it beats it).
 */
export function runqTickle(c: Credit2Ctx, v: VCpu, u: C2Unit, now: number): void {
  const cpu = v.cpu;
  const q = c.st.rqds[c.st.pcpus[cpu]!.rqd]!;
  let ipid = -1;
  const pinned = v.affinity !== null && v.affinity.length === 1;
  if (pinned && idle(c, cpu) && !c.isTickled(cpu)) ipid = cpu;
  else {
    ipid = idleFor(c, q, v);
    if (ipid < 0) ipid = preemptTarget(c, q, v, u, now);
  }
  if (ipid < 0) return;
  c.raise(ipid);
  u.tickledCpu = ipid;
}

/** An idle, untickled pCPU of q that v may use: its own, else the next one after it (cpumask_test_or_cycle). */
function idleFor(c: Credit2Ctx, q: C2Runq, v: VCpu): number {
  const ok = (cpu: number): boolean => idle(c, cpu) && !c.isTickled(cpu) && allowed(v, cpu);
  if (ok(v.cpu)) return v.cpu;
  let first = -1;
  for (const cpu of q.cpus) {
    if (!ok(cpu)) continue;
    if (cpu > v.cpu) return cpu;
    if (first < 0) first = cpu;
  }
  return first;
}

/** The busy pCPU to preempt: its own when it beats the runner there (in its soft affinity: taken at once), else the best score. */
function preemptTarget(c: Credit2Ctx, q: C2Runq, v: VCpu, u: C2Unit, now: number): number {
  const busy = (cpu: number): boolean => !idle(c, cpu) && !c.isTickled(cpu) && allowed(v, cpu);
  let max = 0;
  if (busy(v.cpu) && q.cpus.includes(v.cpu) && tickleScore(c, q, now, u, v, v.cpu) > max) return v.cpu;
  let ipid = -1;
  for (const cpu of q.cpus) {
    if (cpu === v.cpu || !busy(cpu)) continue;
    const score = tickleScore(c, q, now, u, v, cpu);
    if (score > max) {
      max = score;
      ipid = cpu;
    }
  }
  return ipid;
}

/** burn_credits and t2c_update: max_weight / weight credits per ns run, not below CREDIT_MIN; and the budget. */
export function burn(q: C2Runq, u: C2Unit, now: number): void {
  const delta = now - u.startTime;
  if (delta <= 0) return;
  const val = delta * q.maxWeight + u.residual;
  u.residual = val % u.weight;
  u.credit = Math.max(u.credit - Math.floor(val / u.weight), CREDIT_MIN);
  if (hasCap(u)) u.budget -= delta;
  u.startTime = now;
}

/**
 * reset_credit: an epoch ends. Every vCPU of the runqueue gets CREDIT_INIT more (twice that if the one
 * about to run sits at CREDIT_MIN), kept to CREDIT_INIT + CARRYOVER_MAX; a runner is charged first.
 */
export function resetCredit(c: Credit2Ctx, q: C2Runq, now: number, snext: C2Unit): void {
  const reset = snext.credit === CREDIT_MIN ? 2 * CREDIT_INIT : CREDIT_INIT;
  for (const uid of q.svc) {
    const u = c.st.units.get(uid)!;
    const v = c.core.s.vcpus.get(uid)!;
    if (c.core.s.pcpus[v.cpu]!.curr === uid) {
      burn(q, u, now);
      if (hasCap(u) && u.budget <= 0) c.raise(v.cpu);
    }
    u.credit = Math.min(u.credit + reset, CREDIT_INIT + CARRYOVER_MAX);
    u.startTime = now;
  }
}

/**
 * runq_candidate: the runner while its rate limit lasts; else the queued vCPU with the most credit,
 * above the runner's (or idle's), that may run here, is not left for another tickled pCPU, beats the
 * migration resistance if it last ran elsewhere, and has budget if capped.
 */
export function candidate(c: Credit2Ctx, q: C2Runq, scurr: VCpu | null, cpu: number, now: number): VCpu | null {
  const unit = (uid: number): C2Unit => c.st.units.get(uid)!;
  let snext: VCpu | null = null;
  if (scurr) {
    const su = unit(scurr.uid);
    const ratelimit = c.st.params.ratelimitUs * NS_PER_US;
    const isRunnable = runnable(scurr, su);
    if (ratelimit > 0 && isRunnable && now - scurr.stateSinceNs < ratelimit) return scurr;
    if (isRunnable) snext = scurr;
  }
  const snextCredit = snext ? unit(snext.uid).credit : IDLE_CREDIT;
  for (let i = 0; i < q.runq.length; i++) {
    const uid = q.runq[i]!;
    const u = unit(uid);
    if (u.credit <= snextCredit) break;
    const v = c.core.s.vcpus.get(uid)!;
    if (!runnable(v, u) || !allowed(v, cpu)) continue;
    if (u.tickledCpu !== -1 && u.tickledCpu !== cpu && c.isTickled(u.tickledCpu)) continue;
    if (v.cpu !== cpu && snextCredit + migrateResist(c.st) > u.credit) continue;
    if (hasCap(u) && !grabBudget(c, u, v, now)) {
      if (!u.onRunq) i--; // parked: it left the queue
      continue;
    }
    return v;
  }
  return snext;
}

/**
 * csched2_runtime: run until the credit falls to the next waiting vCPU's (or the one going back on the
 * queue), within the budget if capped, between MIN_TIMER (or what is left of the rate limit) and
 * MAX_TIMER.
 */
export function runtime(
  st: Credit2State,
  q: C2Runq,
  snext: VCpu,
  continuing: boolean,
  now: number,
  inflight: number,
): number {
  const su = st.units.get(snext.uid)!;
  let minTime = MIN_TIMER;
  if (st.params.ratelimitUs > 0) {
    const ratelimit = st.params.ratelimitUs * NS_PER_US;
    const min = continuing ? snext.stateSinceNs + ratelimit - now : ratelimit;
    if (min > minTime) minTime = min;
  }
  let swait = 0;
  if (q.runq.length > 0) {
    const head = st.units.get(q.runq[0]!)!;
    if (head.credit > 0) swait = head.credit;
  }
  if (swait < inflight) swait = inflight;
  const rtCredit = swait > 0 ? su.credit - swait : su.credit;
  let time = rtCredit > 0 ? Math.floor((rtCredit * su.weight) / q.maxWeight) : 0;
  if (hasCap(su) && su.budget < time) time = su.budget;
  if (time < minTime) time = minTime;
  else if (time > MAX_TIMER) time = MAX_TIMER;
  return time;
}

// Credit2's caps as budgets (xen/common/sched/credit2.c, "Utilization cap"): a capped domain gets
// cap% of a period (CSCHED2_BDGT_REPL_PERIOD, 10 ms) as budget, replenished every period by its own
// timer. A vCPU about to run grabs a quota of the domain's pool (unit_grab_budget) and gives back what it
// did not use when it stops (unit_return_budget); one that finds the pool empty is parked (park_unit)
// until a replenishment or a return unparks it (unpark_parked_units).

import { NS_PER_MS } from '../clock.js';
import { runqRemove, updateLoad } from './credit2-load.js';
import { C2Dom, C2Unit, Credit2State, MIN_TIMER } from './credit2-state.js';
import type { SchedCore } from './policy.js';
import { T_POLICY, type VCpu } from './state.js';

/** What budget handling needs besides the state: the core, and raising a pCPU's schedule softirq. */
export interface BudgetCtx {
  st: Credit2State;
  core: SchedCore;
  raise(cpu: number): void;
}

export function capPeriodNs(st: Credit2State): number {
  return st.params.capPeriodMs * NS_PER_MS;
}

/**
 * has_cap: the vCPU's domain has a cap, so it runs on budget. A capped domain's vCPUs have a quota (at
 * least MIN_TIMER) and an uncapped one's none, both set with the cap, as Xen's budget != STIME_MAX is.
 */
export function hasCap(u: C2Unit): boolean {
  return u.budgetQuota > 0;
}

/** park_unit: no budget; it stops being runnable (off its queue now, or off its pCPU at the switch). */
function park(c: BudgetCtx, u: C2Unit, v: VCpu, now: number): void {
  v.parked = true;
  if (u.onRunq) {
    const q = c.st.rqds[u.rqd]!;
    runqRemove(q, u);
    updateLoad(q, u, v, -1, now);
    v.state = 'offline';
    v.stateSinceNs = now;
  }
  c.st.doms.get(v.domid)!.parked.unshift(v.uid);
}

/**
 * unit_grab_budget: a vCPU about to run takes its quota from the pool, first paying back what it overran;
 * with nothing left it is parked. Returns whether it has budget.
 */
export function grabBudget(c: BudgetCtx, u: C2Unit, v: VCpu, now: number): boolean {
  if (u.budget > 0) return true;
  const d = c.st.doms.get(v.domid)!;
  d.budget += u.budget;
  if (d.budget > 0) {
    const b = d.budget >= u.budgetQuota ? u.budgetQuota : d.budget;
    u.budget = b;
    d.budget -= b;
  } else {
    u.budget = 0;
    park(c, u, v, now);
  }
  return u.budget > 0;
}

/** unit_return_budget: a vCPU stopping gives back what it did not use; returns the vCPUs that may now be unparked. */
export function returnBudget(c: BudgetCtx, u: C2Unit, v: VCpu): number[] {
  const d = c.st.doms.get(v.domid)!;
  d.budget += u.budget;
  u.budget = 0;
  if (d.budget <= 0) return [];
  const parked = d.parked;
  d.parked = [];
  return parked;
}

/** unpark_parked_units: each goes back to what its domain and workload say (runnable ones are queued and tickled). */
export function unpark(c: BudgetCtx, uids: number[], now: number): void {
  for (const uid of uids) {
    const v = c.core.s.vcpus.get(uid);
    if (!v) continue;
    v.parked = false;
    c.core.resume(v, now, false);
  }
}

function armReplenish(c: BudgetCtx, d: C2Dom): void {
  d.replSeq = c.core.s.timers.arm(d.nextRepl, T_POLICY, d.domid);
}

/**
 * replenish_domain_budget: a period's budget (several, if the timer is late), at most one period's worth
 * in the pool; then the parked vCPUs try again.
 */
export function replenish(c: BudgetCtx, d: C2Dom, now: number): void {
  const period = capPeriodNs(c.st);
  do {
    d.nextRepl += period;
    d.budget += d.totBudget;
  } while (d.nextRepl <= now);
  if (d.budget > 0) {
    d.budget = Math.min(d.budget, d.totBudget);
    const parked = d.parked;
    d.parked = [];
    unpark(c, parked, now);
  }
  armReplenish(c, d);
}

/** The domain's vCPUs' quota: an even share of the budget, not under CSCHED2_MIN_TIMER. */
export function setQuotas(c: BudgetCtx, d: C2Dom): void {
  const quota = Math.max(Math.floor(d.totBudget / Math.max(1, d.nrUnits)), MIN_TIMER);
  for (const uid of c.core.s.doms.get(d.domid)?.vcpus ?? []) c.st.units.get(uid)!.budgetQuota = quota;
}

/**
 * csched2_dom_cntl's cap: a new cap sets the budget per period and the quotas; a domain capped for the
 * first time gets its budget and replenishment timer, and its vCPUs must grab budget before running
 * again (a running one is charged up to now by `burn`, then rescheduled). Cap 0 lifts the cap and
 * unparks every vCPU parked for budget.
 */
export function setCap(c: BudgetCtx, d: C2Dom, cap: number, now: number, burn: (v: VCpu) => void): void {
  const vcpus = (c.core.s.doms.get(d.domid)?.vcpus ?? []).map((uid) => c.core.s.vcpus.get(uid)!);
  if (cap !== 0) {
    const first = d.cap === 0;
    // Charged up to now without a cap (before the quotas make it capped), then rescheduled below.
    if (first) for (const v of vcpus) if (v.state === 'running') burn(v);
    d.totBudget = Math.floor((capPeriodNs(c.st) * cap) / 100);
    setQuotas(c, d);
    if (first) {
      d.budget = d.totBudget;
      d.nextRepl = now + capPeriodNs(c.st);
      armReplenish(c, d);
      for (const v of vcpus) {
        if (v.state === 'running') c.raise(v.cpu);
        c.st.units.get(v.uid)!.budget = 0;
      }
    }
    d.cap = cap;
  } else if (d.cap !== 0) {
    d.replSeq = 0;
    for (const v of vcpus) {
      const u = c.st.units.get(v.uid)!;
      u.budget = 0;
      u.budgetQuota = 0;
    }
    d.cap = 0;
    const parked = d.parked;
    d.parked = [];
    unpark(c, parked, now);
  }
}

/** A forked child of a capped domain: capped from its start, as if the cap were set right after it was made. */
export function startCapped(c: BudgetCtx, d: C2Dom, now: number): void {
  d.totBudget = Math.floor((capPeriodNs(c.st) * d.cap) / 100);
  d.budget = d.totBudget;
  d.nextRepl = now + capPeriodNs(c.st);
  armReplenish(c, d);
}

// Credit1's accounting (xen/common/sched/credit.c, csched_acct): every timeslice the master shares out
// credit to the active domains by weight, capped domains up to their cap; a vCPU's new credit sets its
// priority (UNDER, OVER), parks a capped debtor and unparks one back in credit, and stops a vCPU with
// more than a timeslice's worth from earning. Functions of credit1's private state; credit.ts calls them.

import { NS_PER_MS } from '../clock.js';
import { CPcpu, CreditState, creditsPerTslice, PRI_OVER, PRI_UNDER } from './credit-state.js';
import type { SchedCore } from './policy.js';
import { T_POLICY, type VCpu } from './state.js';

/** What accounting needs besides the state: the core, and the policy's sleep (to park a running debtor). */
export interface AcctCtx {
  readonly st: CreditState;
  readonly core: SchedCore;
  sleep(v: VCpu, to: 'blocked' | 'offline', now: number): void;
}

/** __csched_unit_acct_start: the vCPU earns credit again; its domain joins the active list if first. */
export function acctStart(st: CreditState, v: VCpu): void {
  const u = st.units.get(v.uid)!;
  if (u.active) return;
  const d = st.doms.get(v.domid)!;
  u.active = true;
  d.activeVcpus.push(v.uid);
  st.weight += d.weight;
  if (d.activeVcpus.length === 1) st.activeDoms.unshift(d.domid);
}

/** __csched_unit_acct_stop_locked: the vCPU stops earning; its domain leaves the active list if last. */
export function acctStop(st: CreditState, v: VCpu): void {
  const u = st.units.get(v.uid)!;
  if (!u.active) return;
  const d = st.doms.get(v.domid)!;
  u.active = false;
  d.activeVcpus.splice(d.activeVcpus.indexOf(v.uid), 1);
  st.weight -= d.weight;
  if (d.activeVcpus.length === 0) st.activeDoms.splice(st.activeDoms.indexOf(d.domid), 1);
}

/** csched_acct: share out a timeslice of credit to the active domains by weight and cap. */
export function acct(c: AcctCtx, now: number): void {
  const s = c.st;
  const perTslice = creditsPerTslice(s);
  const weightTotal = s.weight;
  let creditTotal = perTslice * c.core.s.pcpus.length;
  if (s.creditBalance < 0) creditTotal -= s.creditBalance;
  if (weightTotal === 0) {
    s.creditBalance = 0;
  } else {
    let weightLeft = weightTotal;
    let balance = 0;
    let xtra = false;
    for (const domid of [...s.activeDoms]) {
      const d = s.doms.get(domid)!;
      const n = d.activeVcpus.length;
      weightLeft -= d.weight * n;
      let peak = n * perTslice;
      if (s.creditBalance < 0) peak += Math.floor((-s.creditBalance * d.weight * n + (weightTotal - 1)) / weightTotal);
      let creditCap = 0;
      if (d.cap !== 0) {
        creditCap = Math.floor((d.cap * perTslice + 99) / 100);
        if (creditCap < peak) peak = creditCap;
        creditCap = Math.floor((creditCap + (n - 1)) / n);
      }
      let fair = Math.floor((creditTotal * d.weight * n + (weightTotal - 1)) / weightTotal);
      if (fair < peak) xtra = true;
      else {
        // Give other domains a chance at the credit this one cannot use.
        if (weightLeft !== 0) creditTotal += Math.floor(((fair - peak) * weightTotal + (weightLeft - 1)) / weightLeft);
        if (xtra) {
          s.activeDoms.splice(s.activeDoms.indexOf(domid), 1);
          s.activeDoms.unshift(domid);
        }
        fair = peak;
      }
      fair = Math.floor((fair + (n - 1)) / n);
      for (const uid of [...d.activeVcpus]) balance += credit(c, c.core.s.vcpus.get(uid)!, fair, d.cap, creditCap, now);
    }
    s.creditBalance = balance;
  }
  for (const p of s.pcpus) runqSort(s, p);
  s.acctSeq = c.core.s.timers.arm(now + s.params.tsliceMs * NS_PER_MS, T_POLICY, 0);
}

/** One vCPU's share at accounting: new priority, parking of capped debtors, the idle bound. */
function credit(c: AcctCtx, v: VCpu, fair: number, cap: number, creditCap: number, now: number): number {
  const perTslice = creditsPerTslice(c.st);
  const u = c.st.units.get(v.uid)!;
  u.credit += fair;
  if (u.credit < 0) {
    u.pri = PRI_OVER;
    if (cap !== 0 && u.credit < -creditCap && !v.parked) {
      v.parked = true;
      if (v.state === 'running' || v.state === 'runnable') c.sleep(v, 'offline', now);
    }
    if (u.credit < -perTslice) u.credit = -perTslice;
  } else {
    u.pri = PRI_UNDER;
    if (v.parked) {
      // Unparked. Xen clears _PARKED only after the unpause so that the wake-up does not BOOST; the
      // model has always woken it as from an event (it may BOOST), and keeps doing so: credit1's
      // results stay what they were.
      v.parked = false;
      c.core.resume(v, now, true);
    }
    if (u.credit > perTslice) {
      acctStop(c.st, v);
      u.credit = Math.trunc(u.credit / 2);
    }
  }
  return u.credit;
}

/** csched_runq_sort: after accounting, UNDER (and BOOST) move ahead of OVER, order otherwise kept. */
function runqSort(st: CreditState, p: CPcpu): void {
  if (p.runq.length < 2) return;
  const up = p.runq.filter((uid) => st.units.get(uid)!.pri >= PRI_UNDER);
  if (up.length === 0 || up.length === p.runq.length) return;
  p.runq = up.concat(p.runq.filter((uid) => st.units.get(uid)!.pri < PRI_UNDER));
}

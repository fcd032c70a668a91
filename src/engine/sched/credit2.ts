// Xen's credit2 scheduler (xen/common/sched/credit2.c, as in Xen 4.11+), on virtual time: a SchedPolicy.
//
// vCPUs hold credit in ns: they start with CSCHED2_CREDIT_INIT (10 ms) and burn it while they run at
// max_weight / weight credits per ns, so a heavier vCPU burns slower. Each runqueue (a group of pCPUs:
// credit2_runqueue, one per socket by default) keeps its waiting vCPUs ordered by credit and a pCPU runs
// the one with the most; when the vCPU about to run has none left, every vCPU of the runqueue gets
// CREDIT_INIT more (capped at CREDIT_INIT + CARRYOVER_MAX: reset_credit) and load is balanced between
// runqueues. A slice lasts until the runner's credit falls to the next one's (MIN_TIMER to MAX_TIMER).
// A woken vCPU goes to an idle pCPU, else preempts the runner with the least credit if it has more (by
// CSCHED2_MIGRATE_RESIST for a pCPU it did not run on) and that one has run its rate limit. Those rules
// are credit2-credit.ts's; caps are budgets (credit2-budget.ts); load tracking and balancing are
// credit2-load.ts's. This file is the policy's entry points, the schedule and switch, and migration.
//
// A tickle raises the pCPU's schedule softirq: pCPUs raised are scheduled, in order, at the same virtual
// time, before the operation that raised them returns (softirqs), so no schedule runs inside another.

import { credit2Dump } from './credit2-dump.js';
import { fail } from '../errors.js';
import { RATELIMIT_MAX_US, RATELIMIT_MIN_US } from './credit-state.js';
import {
  grabBudget,
  hasCap,
  replenish,
  returnBudget,
  setCap,
  setQuotas,
  startCapped,
  unpark,
} from './credit2-budget.js';
import { burn, candidate, Credit2Ctx, resetCredit, runnable, runqTickle, runtime } from './credit2-credit.js';
import {
  balanceSearch,
  pickIn,
  resPick,
  runqAssign,
  runqDeassign,
  runqInsert,
  runqRemove,
  updateLoad,
  updateMaxWeight,
} from './credit2-load.js';
import {
  C2Runq,
  C2Unit,
  checkCredit2,
  CREDIT_INIT,
  CREDIT_RESET,
  credit2ParamsFromHost,
  Credit2State,
  DEFAULT_WEIGHT,
  LOAD_GRANULARITY,
  LOAD_PRECISION_SHIFT,
  loadCredit2,
  MIGRATE_COMPENSATION,
  newCredit2State,
  saveCredit2,
} from './credit2-state.js';
import { onlyKeys, type SchedCore, type SchedParams, type SchedPolicy, type VcpuDescription } from './policy.js';
import type { CoreState, VCpu } from './state.js';

export class Credit2 implements SchedPolicy, Credit2Ctx {
  readonly name = 'credit2';
  st: Credit2State;
  /** pCPUs whose schedule softirq is raised and not yet run (rqd->tickled), in raising order. */
  private tickled: number[] = [];
  private draining = false;

  constructor(readonly core: SchedCore) {
    this.st = newCredit2State(
      core.s.pcpus.length,
      credit2ParamsFromHost(core.host.raw, (t) => core.printk(t)),
    );
  }

  // ---- small helpers -----------------------------------------------------------------------------

  private get cs(): CoreState {
    return this.core.s;
  }

  private readonly vcpu = (uid: number): VCpu => this.core.s.vcpus.get(uid)!;

  private unit(uid: number): C2Unit {
    return this.st.units.get(uid)!;
  }

  private rqdOf(cpu: number): C2Runq {
    return this.st.rqds[this.st.pcpus[cpu]!.rqd]!;
  }

  // ---- softirqs: a tickled pCPU reschedules, after the operation that tickled it --------------------

  /** tickle_cpu: raise the pCPU's schedule softirq. */
  raise(cpu: number): void {
    if (!this.tickled.includes(cpu)) this.tickled.push(cpu);
  }

  isTickled(cpu: number): boolean {
    return this.tickled.includes(cpu);
  }

  /** Run the raised softirqs (those raised meanwhile too); only the outermost call runs them. */
  private softirqs(now: number): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let cpu = this.tickled[0]; cpu !== undefined; cpu = this.tickled[0]) this.schedule(cpu, now);
    } finally {
      this.draining = false;
    }
  }

  // ---- domains and vCPUs join and leave ----------------------------------------------------------

  /** csched2_alloc_domdata; a fork inherits its parent's weight and cap (budget from its first period). */
  insertDomain(domid: number, parent: number | null, now: number): void {
    const from = parent === null ? undefined : this.st.doms.get(parent);
    const d = {
      domid,
      weight: from?.weight ?? DEFAULT_WEIGHT,
      cap: from?.cap ?? 0,
      totBudget: 0,
      budget: 0,
      nextRepl: 0,
      replSeq: 0,
      parked: [],
      nrUnits: 0,
    };
    this.st.doms.set(domid, d);
    if (d.cap !== 0) startCapped(this, d, now);
  }

  /** csched2_alloc_udata and csched2_unit_insert: full credit, a 50% load guess, a runqueue by res_pick. */
  insertVcpu(v: VCpu, _model: VCpu | null, now: number): void {
    const d = this.st.doms.get(v.domid)!;
    const u: C2Unit = {
      uid: v.uid,
      credit: CREDIT_INIT,
      weight: d.weight,
      residual: 0,
      budget: 0,
      budgetQuota: 0,
      startTime: 0,
      loadLastUpdate: Math.floor(now / LOAD_GRANULARITY),
      avgload: 2 ** (LOAD_PRECISION_SHIFT - 1),
      rqd: -1,
      onRunq: false,
      migrateRequest: false,
      migrateRqd: -1,
      migrating: false,
      tickledCpu: -1,
    };
    this.st.units.set(v.uid, u);
    v.cpu = resPick(this.st, u, v);
    runqAssign(this.st, u, this.rqdOf(v.cpu));
    d.nrUnits++;
    if (d.cap !== 0) setQuotas(this, d);
  }

  removeVcpu(v: VCpu): void {
    const u = this.unit(v.uid);
    const d = this.st.doms.get(v.domid)!;
    runqDeassign(this.st, u);
    d.nrUnits--;
    const i = d.parked.indexOf(v.uid);
    if (i >= 0) d.parked.splice(i, 1);
    this.st.units.delete(v.uid);
  }

  removeDomain(domid: number): void {
    this.st.doms.delete(domid);
  }

  // ---- wake and sleep ----------------------------------------------------------------------------

  /** csched2_unit_wake: queued by credit on its runqueue, and a pCPU tickled for it. */
  wake(v: VCpu, now: number): void {
    if (v.state === 'running' || v.state === 'runnable') return;
    const u = this.unit(v.uid);
    v.state = 'runnable';
    v.stateSinceNs = now;
    const q = this.st.rqds[u.rqd]!;
    updateLoad(q, u, v, 1, now);
    runqInsert(this.st, q, u);
    runqTickle(this, v, u, now);
    this.softirqs(now);
  }

  /** csched2_unit_sleep: off its queue, or its pCPU reschedules. */
  sleep(v: VCpu, to: 'blocked' | 'offline', now: number): void {
    if (v.state === 'running') {
      this.core.account(v, now);
      v.state = to;
      this.raise(v.cpu);
      this.softirqs(now);
      return;
    }
    const u = this.unit(v.uid);
    if (u.onRunq) {
      const q = this.st.rqds[u.rqd]!;
      updateLoad(q, u, v, -1, now);
      runqRemove(q, u);
    }
    if (v.state !== to) {
      v.state = to;
      v.stateSinceNs = now;
    }
  }

  /** csched2_schedule on pCPU `cpu` at `now`, and the context switch (csched2_context_saved). */
  private schedule(cpu: number, now: number): void {
    const i = this.tickled.indexOf(cpu);
    if (i >= 0) this.tickled.splice(i, 1);
    const p = this.cs.pcpus[cpu]!;
    const q = this.rqdOf(cpu);
    const scurr = p.curr >= 0 ? this.vcpu(p.curr) : null;
    if (scurr) {
      const su = this.unit(scurr.uid);
      this.core.account(scurr, now);
      burn(q, su, now);
      if (hasCap(su) && su.budget <= 0) grabBudget(this, su, scurr, now);
    }
    const snext = candidate(this, q, scurr, cpu, now);
    const requeue = snext !== scurr && scurr !== null && runnable(scurr, this.unit(scurr.uid));
    let inflight = 0;
    if (snext) {
      const nu = this.unit(snext.uid);
      if (snext !== scurr) runqRemove(q, nu);
      else updateLoad(q, nu, snext, 0, now);
      const head = q.runq.length > 0 ? this.unit(q.runq[0]!).credit : -Infinity;
      if (Math.max(nu.credit, head) <= CREDIT_RESET) {
        resetCredit(this, q, now, nu);
        this.balanceLoad(cpu, now, snext, scurr);
      }
      if (requeue) inflight = this.unit(scurr!.uid).credit;
      nu.startTime = now;
      nu.tickledCpu = -1;
      if (snext.cpu !== cpu) {
        nu.credit += MIGRATE_COMPENSATION;
        snext.cpu = cpu;
      }
    } else updateLoad(q, null, null, 0, now);
    if (snext === scurr) {
      if (snext) this.arm(cpu, snext, now, runtime(this.st, q, snext, true, now, inflight));
      return;
    }
    // The switch: the next one runs, then the previous one is saved (it may be queued and tickled again).
    if (snext) {
      p.curr = snext.uid;
      snext.state = 'running';
      snext.stateSinceNs = now;
      snext.chargedToNs = now;
      this.arm(cpu, snext, now, runtime(this.st, q, snext, false, now, inflight));
    } else {
      p.curr = -1;
      p.timerSeq = 0;
    }
    if (scurr) this.contextSaved(scurr, requeue, now);
  }

  private arm(cpu: number, v: VCpu, now: number, runtime: number): void {
    const pp = this.st.pcpus[cpu]!;
    pp.sliceEndNs = now + runtime;
    this.core.armDecision(cpu, v, now, pp.sliceEndNs);
  }

  /**
   * csched2_context_saved: the previous runner gives back unused budget; it goes back on the queue (and
   * tickles) if still runnable, else its load goes; a vCPU marked to migrate is moved, then woken.
   */
  private contextSaved(v: VCpu, requeue: boolean, now: number): void {
    const u = this.unit(v.uid);
    const q = this.st.rqds[u.rqd]!;
    const wasRunning = v.state === 'running' && !v.parked;
    const unparked = hasCap(u) && u.budget > 0 ? returnBudget(this, u, v) : [];
    if (requeue && runnable(v, u)) {
      v.state = 'runnable';
      v.stateSinceNs = now;
      runqInsert(this.st, q, u);
      runqTickle(this, v, u, now);
    } else {
      updateLoad(q, u, v, -1, now);
      if (v.state === 'running') v.state = v.parked ? 'offline' : 'blocked';
      v.stateSinceNs = now;
    }
    unpark(this, unparked, now);
    if (u.migrating) this.finishMigrate(v, u, wasRunning, now);
  }

  /** The decision timer: the slice is over (reschedule), or the running burst ended (re-arm for the rest). */
  decide(cpu: number, now: number, armed: number): void {
    const p = this.cs.pcpus[cpu]!;
    const pp = this.st.pcpus[cpu]!;
    if (p.timerSeq === armed && now >= pp.sliceEndNs) {
      this.raise(cpu);
      this.softirqs(now);
    } else this.core.armDecision(cpu, this.vcpu(p.curr), now, pp.sliceEndNs);
  }

  // ---- migration -----------------------------------------------------------------------------------

  /**
   * Xen's migrate(): to runqueue t. A vCPU being run is marked and its pCPU tickled (it moves once switched out);
   * any other is moved now, to t's next allowed pCPU, and queued and tickled there if it was queued.
   */
  private moveToRunq(u: C2Unit, v: VCpu, t: C2Runq, now: number): void {
    if (this.cs.pcpus[v.cpu]!.curr === v.uid) {
      u.migrateRqd = t.id;
      u.migrating = true;
      u.migrateRequest = true;
      this.raise(v.cpu);
      return;
    }
    const onRunq = u.onRunq;
    if (onRunq) {
      const old = this.st.rqds[u.rqd]!;
      runqRemove(old, u);
      updateLoad(old, null, null, -1, now);
    }
    runqDeassign(this.st, u);
    v.cpu = pickIn(v, t);
    runqAssign(this.st, u, t);
    if (onRunq) {
      updateLoad(t, null, null, 1, now);
      runqInsert(this.st, t, u);
      runqTickle(this, v, u, now);
    }
  }

  /** sched_unit_migrate_finish: a pCPU by res_pick, the move (csched2_unit_migrate), then the wake-up. */
  private finishMigrate(v: VCpu, u: C2Unit, runnable: boolean, now: number): void {
    u.migrating = false;
    const cpu = resPick(this.st, u, v);
    const t = this.rqdOf(cpu);
    if (t.id !== u.rqd) this.moveToRunq(u, v, t, now);
    else v.cpu = cpu;
    if (runnable) {
      v.state = 'blocked';
      this.wake(v, now);
    }
  }

  /** balance_load, after a credit reset: push, pull or swap vCPUs with the runqueue whose load differs most. */
  private balanceLoad(cpu: number, now: number, snext: VCpu, scurr: VCpu | null): void {
    if (this.st.rqds.length < 2) return;
    const move = balanceSearch(this.st, this.vcpu, cpu, now);
    if (!move) return;
    const local = this.rqdOf(cpu);
    // The one chosen to run here and the one leaving count as being run (CSFLAG_scheduled).
    const moveOne = (u: C2Unit, t: C2Runq): void => {
      const v = this.vcpu(u.uid);
      if (v === snext || v === scurr) {
        u.migrateRqd = t.id;
        u.migrating = true;
        u.migrateRequest = true;
        this.raise(v.cpu);
      } else this.moveToRunq(u, v, t, now);
    };
    if (move.push) moveOne(move.push, move.other);
    if (move.pull) moveOne(move.pull, local);
  }

  /**
   * vcpu-pin (vcpu_set_affinity): as Xen's core does after any change of hard affinity, the vCPU is
   * taken off its queue or pCPU, placed again by res_pick and woken (a running one once switched out).
   */
  migrate(v: VCpu, now: number): void {
    const u = this.unit(v.uid);
    if (v.state === 'running') {
      u.migrating = true;
      this.raise(v.cpu);
      this.softirqs(now);
      return;
    }
    const runnable = v.state === 'runnable';
    if (runnable) this.sleep(v, 'blocked', now);
    this.finishMigrate(v, u, runnable, now);
    this.softirqs(now);
  }

  // ---- timers: budget replenishments -----------------------------------------------------------------

  timer(domid: number, seq: number, now: number): void {
    const d = this.st.doms.get(domid);
    if (!d || d.replSeq !== seq) return;
    replenish(this, d, now);
    this.softirqs(now);
  }

  // ---- parameters (xl sched-credit2) -------------------------------------------------------------------

  domainParams(domid: number): SchedParams {
    const d = this.st.doms.get(domid)!;
    return { weight: d.weight, cap: d.cap };
  }

  /** Weight 1..65535, cap 0..vCPUs x 100 (libxl's checks and messages); both checked before either is set. */
  adjustDomain(domid: number, p: SchedParams, now: number): void {
    onlyKeys(p, ['weight', 'cap']);
    const d = this.st.doms.get(domid)!;
    const { weight, cap } = p;
    if (weight !== undefined && (weight < 1 || weight > 65535))
      fail('EINVAL', 'Cpu weight out of range, valid values are within range from 1 to 65535');
    const maxCap = d.nrUnits * 100;
    if (cap !== undefined && (cap < 0 || cap > maxCap))
      fail('EINVAL', `Cpu cap out of range, valid range is from 0 to ${maxCap} for specified number of vcpus`);
    if (weight !== undefined) {
      const old = d.weight;
      d.weight = weight;
      for (const uid of this.cs.doms.get(domid)?.vcpus ?? []) {
        const u = this.unit(uid);
        u.weight = weight;
        updateMaxWeight(this.st, this.st.rqds[u.rqd]!, weight, old);
      }
    }
    if (cap !== undefined)
      setCap(this, d, cap, now, (v) => burn(this.st.rqds[this.unit(v.uid).rqd]!, this.unit(v.uid), now));
    this.softirqs(now);
  }

  globalParams(): SchedParams {
    return { ratelimit_us: this.st.params.ratelimitUs };
  }

  /** Rate limit 0 or 100..500000 µs (csched2_sys_cntl). */
  adjustGlobal(p: SchedParams): void {
    onlyKeys(p, ['ratelimit_us']);
    const r = p.ratelimit_us;
    if (r !== undefined && r !== 0 && (r < RATELIMIT_MIN_US || r > RATELIMIT_MAX_US))
      fail('EINVAL', `Ratelimit out of range, valid range is from ${RATELIMIT_MIN_US} to ${RATELIMIT_MAX_US}`);
    if (r !== undefined) this.st.params.ratelimitUs = r;
  }

  // ---- displays ------------------------------------------------------------------------------------

  /** Credit in ms (Xen's dump shows credit=, in ns); fields: credit, runqueue, budget when capped. */
  describe(v: VCpu): VcpuDescription {
    const u = this.unit(v.uid);
    const ms = u.credit / 1e6;
    const label = v.parked ? 'parked' : `${ms >= 0 ? '+' : ''}${ms.toFixed(1)}ms`;
    const fields: Record<string, number> = { credit: u.credit, runqueue: u.rqd };
    if (hasCap(u)) fields.budget = u.budget;
    return { label, fields };
  }

  /** Xen's name for credit2 in the 'r' key's dump. */
  readonly title = 'SMP Credit Scheduler rev2';

  dumpSettings(): string[] {
    return credit2Dump(this.st, this.cs);
  }

  /** The runqueue's waiting vCPUs whose pCPU is `cpu`, by credit. */
  queued(cpu: number): number[] {
    return this.rqdOf(cpu).runq.filter((uid) => this.vcpu(uid).cpu === cpu);
  }

  // ---- snapshot and invariants -----------------------------------------------------------------------

  saveParams(): object {
    return { ...this.st.params };
  }

  save(): object {
    return saveCredit2(this.st);
  }

  load(params: unknown, priv: unknown): void {
    this.st = loadCredit2(params, priv, this.cs);
    this.tickled = [];
  }

  reset(): void {
    this.st = newCredit2State(
      this.cs.pcpus.length,
      credit2ParamsFromHost(this.core.host.raw, (t) => this.core.printk(t)),
    );
    this.tickled = [];
  }

  check(): string[] {
    const p = checkCredit2(this.st, this.cs);
    if (this.tickled.length > 0) p.push(`pCPUs ${this.tickled.join(', ')} are tickled with no schedule to come`);
    return p;
  }
}

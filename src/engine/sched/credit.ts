// Xen's credit scheduler (credit1, xen/common/sched/credit.c), on virtual time: a SchedPolicy.
//
// Every vCPU holds credits. The running vCPU burns 10 credits per ms (burn: at each tick and each
// scheduling decision). Every timeslice (30 ms) the master shares out 300 credits per pCPU among the
// active domains in proportion to weight, capped domains up to their cap (acct). A vCPU with credit
// >= 0 is UNDER, < 0 OVER; a vCPU that wakes while UNDER is BOOSTed and may preempt, until the next
// tick finds it running. Each pCPU has its own run queue ordered by priority, FIFO within one; a pCPU
// whose best choice is OVER or idle first steals strictly better work from a busy peer. A vCPU that
// has run less than the rate limit (1 ms) is not preempted. Capped vCPUs far enough in debt are parked
// (paused) until accounting gives them credit again.
//
// Decisions happen at the same points as in Xen (wake, sleep, tick, slice end); the core's event loop
// (scheduler.ts) only jumps between them. Calls are synchronous: a "tickle" runs the pCPU's schedule now.
// Its private records (credit-state.ts) hang off the core's by uid and domid; the master's accounting is
// credit-acct.ts's.

import { creditDump, creditDumpCpu } from './credit-dump.js';
import { MIGR_DELAY_MAX_US } from './boot-params.js';
import { NS_PER_MS } from '../clock.js';
import { fail } from '../errors.js';
import { acct, AcctCtx, acctStart, acctStop } from './credit-acct.js';
import { onlyKeys, type SchedCore, type SchedParams, type SchedPolicy, type VcpuDescription } from './policy.js';
import {
  checkCredit,
  CREDITS_PER_MSEC,
  CreditState,
  creditParamsFromHost,
  CUnit,
  DEFAULT_WEIGHT,
  loadCredit,
  newCreditState,
  PRI_BOOST,
  PRI_IDLE,
  PRI_NAMES,
  PRI_OVER,
  PRI_UNDER,
  RATELIMIT_MAX_US,
  RATELIMIT_MIN_US,
  saveCredit,
  splitLegacyCredit,
  tickPeriodNs,
  TSLICE_MAX_MS,
  TSLICE_MIN_MS,
} from './credit-state.js';
import { allowed, CoreState, T_POLICY, VCpu } from './state.js';

export class Credit implements SchedPolicy, AcctCtx {
  readonly name = 'credit';
  st: CreditState;

  constructor(readonly core: SchedCore) {
    this.st = newCreditState(
      core.s.pcpus.length,
      creditParamsFromHost(core.host.raw, (t) => core.printk(t)),
    );
    this.st.acctSeq = core.s.timers.arm(firstAcctNs(this.st, 0), T_POLICY, 0);
  }

  // ---- small helpers ---------------------------------------------------------------------------

  /** The core's records (replaced when a state is loaded, so never kept). */
  private get cs(): CoreState {
    return this.core.s;
  }

  private vcpu(uid: number): VCpu {
    return this.core.s.vcpus.get(uid)!;
  }

  private unit(uid: number): CUnit {
    return this.st.units.get(uid)!;
  }

  private pri(cpu: number): number {
    const curr = this.cs.pcpus[cpu]!.curr;
    return curr < 0 ? PRI_IDLE : this.unit(curr).pri;
  }

  /** Runnable vCPUs on a pCPU, the running one included (Xen's nr_runnable). */
  private nrRunnable(cpu: number): number {
    return this.st.pcpus[cpu]!.runq.length + (this.cs.pcpus[cpu]!.curr >= 0 ? 1 : 0);
  }

  /** An idle pCPU with nothing queued. */
  private idle(cpu: number): boolean {
    return this.cs.pcpus[cpu]!.curr < 0 && this.st.pcpus[cpu]!.runq.length === 0;
  }

  /** burn_credits: debit the running vCPU for the time since it was last debited. */
  private burn(u: CUnit, now: number): void {
    const delta = now - u.burnFromNs;
    if (delta <= 0) return;
    const val = delta * CREDITS_PER_MSEC + u.residual;
    const credits = Math.floor(val / NS_PER_MS);
    u.residual = val - credits * NS_PER_MS;
    u.credit -= credits;
    u.burnFromNs = now;
  }

  /** Insert by priority, behind every vCPU of the same or higher priority (__runq_insert). */
  private runqInsert(cpu: number, v: VCpu): void {
    const q = this.st.pcpus[cpu]!.runq;
    const pri = this.unit(v.uid).pri;
    // From the tail: most insertions land there (FIFO within a priority), and no splice.
    let i = q.length;
    q.push(v.uid);
    this.st.queued++;
    while (i > 0 && this.unit(q[i - 1]!).pri < pri) {
      q[i] = q[i - 1]!;
      i--;
    }
    q[i] = v.uid;
    v.cpu = cpu;
  }

  private runqRemove(v: VCpu): void {
    const q = this.st.pcpus[v.cpu]!.runq;
    const i = q.indexOf(v.uid);
    if (i >= 0) {
      q.splice(i, 1);
      this.st.queued--;
    }
  }

  /** Take the vCPU at the head of a pCPU's run queue. */
  private runqTake(cpu: number): VCpu {
    const uid = this.st.pcpus[cpu]!.runq.shift()!;
    this.st.queued--;
    return this.vcpu(uid);
  }

  /** Idle pCPUs v may run on, cycling from `from` (cpumask_cycle). */
  private idlersFor(v: VCpu | null, from: number): number[] {
    const n = this.cs.pcpus.length;
    const out: number[] = [];
    for (let k = 1; k <= n; k++) {
      const c = (from + k) % n;
      if (this.idle(c) && (v === null || allowed(v, c))) out.push(c);
    }
    return out;
  }

  /** csched_res_pick, flattened: stay if allowed and idle, else an idle allowed pCPU, else stay (or the first allowed). */
  pickCpu(v: VCpu): number {
    if (v.cpu < this.cs.pcpus.length && allowed(v, v.cpu) && this.idle(v.cpu)) return v.cpu;
    const idle = this.idlersFor(v, v.cpu);
    if (idle.length > 0) return idle[0]!;
    if (allowed(v, v.cpu)) return v.cpu;
    return v.affinity![0]!;
  }

  // ---- domains and vCPUs join and leave ----------------------------------------------------------

  /** A fork inherits its parent's weight and cap (as a Linux child keeps its nice value); a created domain gets Xen's defaults. */
  insertDomain(domid: number, parent: number | null): void {
    const from = parent === null ? undefined : this.st.doms.get(parent);
    this.st.doms.set(domid, { domid, weight: from?.weight ?? DEFAULT_WEIGHT, cap: from?.cap ?? 0, activeVcpus: [] });
  }

  insertVcpu(v: VCpu, _model: VCpu | null, now: number): void {
    this.st.units.set(v.uid, {
      uid: v.uid,
      pri: PRI_UNDER,
      credit: 0,
      residual: 0,
      burnFromNs: now,
      active: false,
      migrateTo: -1,
    });
    v.cpu = this.pickCpu(v);
  }

  removeVcpu(v: VCpu): void {
    acctStop(this.st, v);
    this.st.units.delete(v.uid);
  }

  removeDomain(domid: number): void {
    this.st.doms.delete(domid);
  }

  // ---- wake, sleep, tickle ---------------------------------------------------------------------

  /** csched_unit_wake: a blocked or offline vCPU becomes runnable; BOOST if an event wakes it UNDER. */
  wake(v: VCpu, now: number, fromEvent: boolean): void {
    if (v.state === 'running' || v.state === 'runnable') return;
    const u = this.unit(v.uid);
    if (fromEvent && this.st.params.boost && u.pri === PRI_UNDER && !v.parked) u.pri = PRI_BOOST;
    if (!allowed(v, v.cpu)) v.cpu = this.pickCpu(v);
    v.state = 'runnable';
    v.stateSinceNs = now;
    this.runqInsert(v.cpu, v);
    this.tickle(v, now);
  }

  /** A vCPU stops being runnable (blocks, is paused or parked): off its run queue or off its pCPU. */
  sleep(v: VCpu, to: 'blocked' | 'offline', now: number): void {
    if (v.state === 'running') {
      const cpu = v.cpu;
      this.core.account(v, now);
      v.state = to;
      this.schedule(cpu, now);
      return;
    }
    if (v.state === 'runnable') this.runqRemove(v);
    if (v.state !== to) {
      v.state = to;
      v.stateSinceNs = now;
    }
  }

  /**
   * __runq_tickle: which pCPU should reschedule for the newly queued v; it runs now. An idle pCPU of its
   * own runs it; else an idle pCPU it may use (cycling, so wake-ups spread) steals it; else its pCPU is
   * preempted if v has the higher priority.
   */
  private tickle(v: VCpu, now: number): void {
    const cpu = v.cpu;
    if (this.cs.pcpus[cpu]!.curr < 0) return this.schedule(cpu, now);
    const n = this.cs.pcpus.length;
    let pick = -1;
    for (let k = 1; k <= n && pick < 0; k++) {
      const c = (this.st.lastTickle + k) % n;
      if (this.idle(c) && allowed(v, c)) pick = c;
    }
    if (pick >= 0) {
      this.st.lastTickle = pick;
      return this.schedule(pick, now);
    }
    if (this.unit(v.uid).pri > this.pri(cpu)) this.schedule(cpu, now);
  }

  // ---- schedule ----------------------------------------------------------------------------------

  /** csched_schedule on pCPU `cpu` at `now`: keep, switch, or steal; arm the next decision. */
  schedule(cpu: number, now: number): void {
    const p = this.cs.pcpus[cpu]!;
    const pp = this.st.pcpus[cpu]!;
    const prev = p.curr >= 0 ? this.vcpu(p.curr) : null;
    let prevSince = 0;
    if (prev) {
      const pu = this.unit(prev.uid);
      this.core.account(prev, now);
      this.burn(pu, now);
      const runtime = now - prev.stateSinceNs;
      const ratelimit = this.st.params.ratelimitUs * 1000;
      const stillRunnable = prev.state === 'running' && pu.migrateTo < 0;
      if (stillRunnable && ratelimit > 0 && runtime < ratelimit) {
        // Rate limit: it keeps the pCPU until it has run `ratelimit`.
        this.arm(cpu, prev, now, now + ratelimit - runtime);
        return;
      }
      if (stillRunnable) {
        prevSince = prev.stateSinceNs;
        prev.state = 'runnable';
        this.runqInsert(cpu, prev);
      }
    }
    let next: VCpu | null = null;
    const headPri = pp.runq.length > 0 ? this.unit(pp.runq[0]!).pri : PRI_IDLE;
    if (headPri > PRI_OVER) next = this.runqTake(cpu);
    else {
      next = this.steal(cpu, headPri);
      if (!next && pp.runq.length > 0) next = this.runqTake(cpu);
    }
    if (prev && prev !== next) this.leave(prev, now);
    if (!next) {
      p.curr = -1;
      p.timerSeq = 0;
      pp.nextTickNs = 0; // Xen stops the credit tick on an idle pCPU
      return;
    }
    const wasIdle = p.curr < 0;
    p.curr = next.uid;
    next.cpu = cpu;
    next.state = 'running';
    if (next === prev) next.stateSinceNs = prevSince;
    else {
      next.stateSinceNs = now;
      next.chargedToNs = now;
      this.unit(next.uid).burnFromNs = now;
    }
    if (wasIdle || pp.nextTickNs === 0) {
      // The ticker restarts on the tick grid.
      const period = tickPeriodNs(this.st);
      pp.nextTickNs = now + period - (now % period);
    }
    this.arm(cpu, next, now, now + this.st.params.tsliceMs * NS_PER_MS);
  }

  /** A vCPU leaves its pCPU: if the tick chose to migrate it, it goes to the chosen pCPU's queue. */
  private leave(v: VCpu, now: number): void {
    const u = this.unit(v.uid);
    if (u.migrateTo < 0) {
      v.stateSinceNs = now;
      return;
    }
    const to = u.migrateTo;
    u.migrateTo = -1;
    if (v.state === 'running') {
      // Migrating, not waking: no BOOST (CSCHED_FLAG_UNIT_MIGRATING).
      v.state = 'blocked';
      v.cpu = to;
      this.wake(v, now, false);
    } else v.stateSinceNs = now;
  }

  /** The pCPU's next decision: its tick, the end of the slice (or rate limit), or the end of the running burst. */
  private arm(cpu: number, v: VCpu, now: number, sliceEnd: number): void {
    const pp = this.st.pcpus[cpu]!;
    pp.sliceEndNs = sliceEnd;
    this.core.armDecision(cpu, v, now, Math.min(sliceEnd, pp.nextTickNs));
  }

  /** The decision timer fired: tick if due, then reschedule at the end of the slice, else re-arm. */
  decide(cpu: number, now: number, armed: number): void {
    const p = this.cs.pcpus[cpu]!;
    const pp = this.st.pcpus[cpu]!;
    if (pp.nextTickNs <= now) this.tick(cpu, now);
    if (p.curr < 0) return;
    if (p.timerSeq === armed && now >= pp.sliceEndNs) this.schedule(cpu, now);
    else this.arm(cpu, this.vcpu(p.curr), now, pp.sliceEndNs); // the tick or a new burst moved the next decision
  }

  /** csched_load_balance: take a strictly better queued vCPU from a busy peer that has more than one. */
  private steal(cpu: number, pri: number): VCpu | null {
    if (this.st.queued === 0) return null; // nothing waits anywhere: the common case of a lightly loaded host
    const n = this.cs.pcpus.length;
    for (let k = 0; k < n; k++) {
      const peerId = (this.st.balanceBias + k) % n;
      if (peerId === cpu) continue;
      if (this.cs.pcpus[peerId]!.curr < 0 || this.nrRunnable(peerId) <= 1) continue;
      const q = this.st.pcpus[peerId]!.runq;
      for (let i = 0; i < q.length; i++) {
        const uid = q[i]!;
        if (this.unit(uid).pri <= pri) break;
        const v = this.vcpu(uid);
        if (!allowed(v, cpu)) continue;
        q.splice(i, 1);
        this.st.queued--;
        v.cpu = cpu;
        this.st.balanceBias = peerId;
        return v;
      }
    }
    return null;
  }

  /**
   * New hard affinity: as vcpu_set_affinity (sched/core.c) starts a migration, the vCPU's pCPU is picked
   * again at once, even where it may stay (no BOOST: it is migrating, not waking). A vCPU running alone
   * on a pCPU it may still use counts that pCPU as idle (_csched_cpu_pick discounts it) and stays.
   */
  migrate(v: VCpu, now: number): void {
    if (v.state === 'running') {
      const alone = this.st.pcpus[v.cpu]!.runq.length === 0;
      const to = alone && allowed(v, v.cpu) ? v.cpu : this.pickCpu(v);
      if (to === v.cpu) return;
      this.unit(v.uid).migrateTo = to;
      this.schedule(v.cpu, now);
    } else if (v.state === 'runnable') {
      this.runqRemove(v);
      v.state = 'blocked';
      v.cpu = this.pickCpu(v);
      this.wake(v, now, false);
    } else v.cpu = this.pickCpu(v);
  }

  // ---- tick and accounting ----------------------------------------------------------------------

  /** csched_tick: end BOOST, burn credits, rejoin the active list, maybe move to an idle pCPU. */
  private tick(cpu: number, now: number): void {
    const pp = this.st.pcpus[cpu]!;
    pp.nextTickNs = now + tickPeriodNs(this.st);
    const curr = this.cs.pcpus[cpu]!.curr;
    if (curr < 0) return;
    const v = this.vcpu(curr);
    const u = this.unit(curr);
    if (u.pri === PRI_BOOST) u.pri = PRI_UNDER;
    this.burn(u, now);
    if (!u.active) acctStart(this.st, v);
    else if (pp.runq.length > 0) {
      // _csched_cpu_pick from the tick: work waits here while an allowed pCPU idles; move there.
      const idle = this.idlersFor(v, cpu);
      if (idle.length > 0) {
        u.migrateTo = idle[0]!;
        this.schedule(cpu, now);
      }
    }
  }

  /** The master's accounting timer. */
  timer(_target: number, seq: number, now: number): void {
    if (this.st.acctSeq === seq) acct(this, now);
  }

  // ---- parameters (xl sched-credit) --------------------------------------------------------------

  domainParams(domid: number): SchedParams {
    const d = this.st.doms.get(domid)!;
    return { weight: d.weight, cap: d.cap };
  }

  /** Weight 1..65535, cap 0..vCPUs x 100 (libxl's checks and messages); both checked before either is set. */
  adjustDomain(domid: number, p: SchedParams): void {
    const d = this.st.doms.get(domid)!;
    onlyKeys(p, ['weight', 'cap']);
    const { weight, cap } = p;
    if (weight !== undefined && (weight < 1 || weight > 65535))
      fail('EINVAL', 'Cpu weight out of range, valid values are within range from 1 to 65535');
    const maxCap = (this.cs.doms.get(domid)?.vcpus.length ?? 0) * 100;
    if (cap !== undefined && (cap < 0 || cap > maxCap))
      fail('EINVAL', `Cpu cap out of range, valid range is from 0 to ${maxCap} for specified number of vcpus`);
    if (weight !== undefined) {
      this.st.weight += (weight - d.weight) * d.activeVcpus.length;
      d.weight = weight;
    }
    if (cap !== undefined) d.cap = cap;
  }

  globalParams(): SchedParams {
    const p = this.st.params;
    return {
      tslice_ms: p.tsliceMs,
      ratelimit_us: p.ratelimitUs,
      migration_delay_us: p.migrDelayUs,
      boost: p.boost ? 1 : 0,
    };
  }

  /**
   * Time slice 1..1000 ms, rate limit 0 or 100..500000 µs and at most the time slice (libxl's checks);
   * boost 1 (as Xen) or 0, a model switch for comparing wake-up latency without BOOST.
   */
  adjustGlobal(p: SchedParams): void {
    onlyKeys(p, ['tslice_ms', 'ratelimit_us', 'migration_delay_us', 'boost']);
    const m = p.migration_delay_us;
    if (m !== undefined && (m < 0 || m > MIGR_DELAY_MAX_US))
      fail('EINVAL', `vcpu migration delay should be >= 0 and <= ${MIGR_DELAY_MAX_US}us`);
    if (p.boost !== undefined && p.boost !== 0 && p.boost !== 1)
      fail('EINVAL', `boost must be 1 (on) or 0 (off), not '${p.boost}'`);
    const t = p.tslice_ms;
    const r = p.ratelimit_us;
    if (t !== undefined && (t < TSLICE_MIN_MS || t > TSLICE_MAX_MS))
      fail('EINVAL', `Time slice out of range, valid range is from ${TSLICE_MIN_MS} to ${TSLICE_MAX_MS}`);
    if (r !== undefined && r !== 0 && (r < RATELIMIT_MIN_US || r > RATELIMIT_MAX_US))
      fail('EINVAL', `Ratelimit out of range, valid range is from ${RATELIMIT_MIN_US} to ${RATELIMIT_MAX_US}`);
    const tNew = t ?? this.st.params.tsliceMs;
    const rNew = r ?? this.st.params.ratelimitUs;
    if (rNew > tNew * 1000) fail('EINVAL', `Ratelimit cannot be greater than timeslice (${rNew}us > ${tNew}ms)`);
    this.st.params.tsliceMs = tNew;
    this.st.params.ratelimitUs = rNew;
    if (m !== undefined) this.st.params.migrDelayUs = m;
    if (p.boost !== undefined) this.st.params.boost = p.boost === 1;
  }

  // ---- displays ----------------------------------------------------------------------------------

  describe(v: VCpu): VcpuDescription {
    const u = this.unit(v.uid);
    const priority = PRI_NAMES[u.pri] ?? String(u.pri);
    return { label: priority, fields: { priority, credit: u.credit } };
  }

  readonly title = 'SMP Credit Scheduler';

  dumpSettings(): string[] {
    return creditDump(this.st, this.cs);
  }

  dumpCpu(cpu: number): string[] {
    return creditDumpCpu(this.st, this.cs, cpu);
  }

  queued(cpu: number): number[] {
    return this.st.pcpus[cpu]!.runq;
  }

  // ---- snapshot and invariants -------------------------------------------------------------------

  saveParams(): object {
    return { ...this.st.params };
  }

  save(): object {
    return saveCredit(this.st);
  }

  load(params: unknown, priv: unknown): void {
    this.st = loadCredit(params, priv, this.cs);
  }

  loadLegacy(section: Record<string, unknown>): void {
    const { params, priv } = splitLegacyCredit(section);
    this.st = loadCredit(params, priv, this.cs);
  }

  reset(now: number): void {
    this.st = newCreditState(
      this.cs.pcpus.length,
      creditParamsFromHost(this.core.host.raw, (t) => this.core.printk(t)),
    );
    this.st.acctSeq = this.cs.timers.arm(firstAcctNs(this.st, now), T_POLICY, 0);
  }

  check(): string[] {
    return checkCredit(this.st, this.cs);
  }
}

/**
 * The master's first accounting, a timeslice from `now` plus half a tick. Xen starts the master ticker
 * and each pCPU's ticker at their own times, so accounting does not fall on a tick: it reads the running
 * vCPUs' credit as last burned (at a tick or a decision), on average half a tick before. On the tick grid
 * the model's would always read it a whole tick stale, and a capped hog would run past its cap (a cap of
 * 150 on two vCPUs gave 155.6%).
 */
function firstAcctNs(st: CreditState, now: number): number {
  return now + st.params.tsliceMs * NS_PER_MS + tickPeriodNs(st) / 2;
}

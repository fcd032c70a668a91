// Xen's credit scheduler (credit1, xen/common/sched/credit.c), on virtual time.
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
// Decisions happen at the same points as in Xen (wake, sleep, tick, slice end); the event loop in
// scheduler.ts only jumps between them. Calls are synchronous: a "tickle" runs the pCPU's schedule now.

import { NS_PER_MS } from '../clock.js';
import {
  CREDITS_PER_MSEC,
  creditsPerTslice,
  PCpu,
  PRI_BOOST,
  PRI_IDLE,
  PRI_OVER,
  PRI_UNDER,
  SchedState,
  T_ACCT,
  T_PCPU,
  tickPeriodNs,
  VCpu,
  W_REQUESTS,
} from './state.js';

/** What the scheduler asks of the workloads. */
export interface Work {
  /** When the burst the running vCPU is in ends if it keeps running (Infinity: never, e.g. a CPU hog). */
  burstEndNs(v: VCpu, now: number): number;
  /** An unparked vCPU goes back to what its domain and workload say: runnable (woken, without BOOST), blocked or offline. */
  resume(v: VCpu, now: number): void;
}

export class Credit {
  constructor(
    public s: SchedState,
    private readonly work: Work,
  ) {}

  // ---- small helpers ---------------------------------------------------------------------------

  vcpu(uid: number): VCpu {
    return this.s.vcpus.get(uid)!;
  }

  allowed(v: VCpu, cpu: number): boolean {
    return v.affinity === null || v.affinity.includes(cpu);
  }

  private pri(p: PCpu): number {
    return p.curr < 0 ? PRI_IDLE : this.vcpu(p.curr).pri;
  }

  /** Runnable vCPUs on a pCPU, the running one included (Xen's nr_runnable). */
  private nrRunnable(p: PCpu): number {
    return p.runq.length + (p.curr >= 0 ? 1 : 0);
  }

  /** Count CPU time and burst progress of a running vCPU up to `now`. */
  account(v: VCpu, now: number): void {
    const dt = now - v.chargedToNs;
    if (dt <= 0) return;
    v.cpuNs += dt;
    this.s.pcpus[v.cpu]!.busyNs += dt;
    if (v.w.kind === W_REQUESTS && v.w.burstLeftNs > 0) v.w.burstLeftNs = Math.max(0, v.w.burstLeftNs - dt);
    v.chargedToNs = now;
  }

  /** burn_credits: debit the running vCPU for the time since it was last debited. */
  private burn(v: VCpu, now: number): void {
    const delta = now - v.burnFromNs;
    if (delta <= 0) return;
    const val = delta * CREDITS_PER_MSEC + v.residual;
    const credits = Math.floor(val / NS_PER_MS);
    v.residual = val - credits * NS_PER_MS;
    v.credit -= credits;
    v.burnFromNs = now;
  }

  /** Insert by priority, behind every vCPU of the same or higher priority (__runq_insert). */
  private runqInsert(cpu: number, v: VCpu): void {
    const q = this.s.pcpus[cpu]!.runq;
    // From the tail: most insertions land there (FIFO within a priority), and no splice.
    let i = q.length;
    q.push(v.uid);
    this.s.queued++;
    while (i > 0 && this.vcpu(q[i - 1]!).pri < v.pri) {
      q[i] = q[i - 1]!;
      i--;
    }
    q[i] = v.uid;
    v.cpu = cpu;
  }

  private runqRemove(v: VCpu): void {
    const q = this.s.pcpus[v.cpu]!.runq;
    const i = q.indexOf(v.uid);
    if (i >= 0) {
      q.splice(i, 1);
      this.s.queued--;
    }
  }

  /** Take the vCPU at the head of p's run queue. */
  private runqTake(p: PCpu): void {
    p.runq.shift();
    this.s.queued--;
  }

  /** Idle pCPUs v may run on, cycling from `from` (cpumask_cycle). */
  private idlersFor(v: VCpu | null, from: number): number[] {
    const n = this.s.pcpus.length;
    const out: number[] = [];
    for (let k = 1; k <= n; k++) {
      const c = (from + k) % n;
      const p = this.s.pcpus[c]!;
      if (p.curr < 0 && p.runq.length === 0 && (v === null || this.allowed(v, c))) out.push(c);
    }
    return out;
  }

  /** csched_res_pick, flattened: stay if allowed and idle, else an idle allowed pCPU, else stay (or the first allowed). */
  pickCpu(v: VCpu): number {
    const here = this.s.pcpus[v.cpu];
    if (here && this.allowed(v, v.cpu) && here.curr < 0 && here.runq.length === 0) return v.cpu;
    const idle = this.idlersFor(v, v.cpu);
    if (idle.length > 0) return idle[0]!;
    if (this.allowed(v, v.cpu)) return v.cpu;
    return v.affinity![0]!;
  }

  // ---- wake, sleep, tickle ---------------------------------------------------------------------

  /** csched_unit_wake: a blocked or offline vCPU becomes runnable; BOOST if it wakes UNDER. */
  wake(v: VCpu, now: number, boostable = true): void {
    if (v.state === 'running' || v.state === 'runnable') return;
    if (boostable && this.s.params.boost && v.pri === PRI_UNDER && !v.parked) v.pri = PRI_BOOST;
    if (!this.allowed(v, v.cpu)) v.cpu = this.pickCpu(v);
    v.state = 'runnable';
    v.stateSinceNs = now;
    this.runqInsert(v.cpu, v);
    this.tickle(v, now);
  }

  /** A vCPU stops being runnable (blocks, is paused or parked): off its run queue or off its pCPU. */
  sleep(v: VCpu, to: 'blocked' | 'offline', now: number): void {
    if (v.state === 'running') {
      const cpu = v.cpu;
      this.account(v, now);
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
    const pcpus = this.s.pcpus;
    if (pcpus[cpu]!.curr < 0) return this.schedule(cpu, now);
    const n = pcpus.length;
    let pick = -1;
    for (let k = 1; k <= n && pick < 0; k++) {
      const c = (this.s.lastTickle + k) % n;
      const q = pcpus[c]!;
      if (q.curr < 0 && q.runq.length === 0 && this.allowed(v, c)) pick = c;
    }
    if (pick >= 0) {
      this.s.lastTickle = pick;
      return this.schedule(pick, now);
    }
    if (v.pri > this.pri(pcpus[cpu]!)) this.schedule(cpu, now);
  }

  // ---- schedule ----------------------------------------------------------------------------------

  /** csched_schedule on pCPU `cpu` at `now`: keep, switch, or steal; arm the next decision. */
  schedule(cpu: number, now: number): void {
    const p = this.s.pcpus[cpu]!;
    const prev = p.curr >= 0 ? this.vcpu(p.curr) : null;
    let prevSince = 0;
    if (prev) {
      this.account(prev, now);
      this.burn(prev, now);
      const runtime = now - prev.stateSinceNs;
      const ratelimit = this.s.params.ratelimitUs * 1000;
      const stillRunnable = prev.state === 'running' && prev.migrateTo < 0;
      if (stillRunnable && ratelimit > 0 && runtime < ratelimit) {
        // Rate limit: it keeps the pCPU until it has run `ratelimit`.
        this.arm(p, prev, now, now + ratelimit - runtime);
        return;
      }
      if (stillRunnable) {
        prevSince = prev.stateSinceNs;
        prev.state = 'runnable';
        this.runqInsert(cpu, prev);
      }
    }
    let next: VCpu | null = null;
    const head = p.runq.length > 0 ? this.vcpu(p.runq[0]!) : null;
    if (head && head.pri > PRI_OVER) {
      this.runqTake(p);
      next = head;
    } else {
      next = this.steal(cpu, head ? head.pri : PRI_IDLE);
      if (!next && head) {
        this.runqTake(p);
        next = head;
      }
    }
    if (prev && prev !== next) this.leave(prev, now);
    if (!next) {
      p.curr = -1;
      p.timerSeq = 0;
      p.nextTickNs = 0; // Xen stops the credit tick on an idle pCPU
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
      next.burnFromNs = now;
    }
    if (wasIdle || p.nextTickNs === 0) {
      // The ticker restarts on the tick grid.
      const period = tickPeriodNs(this.s);
      p.nextTickNs = now + period - (now % period);
    }
    this.arm(p, next, now, now + this.s.params.tsliceMs * NS_PER_MS);
  }

  /** A vCPU leaves its pCPU: if the tick chose to migrate it, it goes to the chosen pCPU's queue. */
  private leave(v: VCpu, now: number): void {
    if (v.migrateTo < 0) {
      v.stateSinceNs = now;
      return;
    }
    const to = v.migrateTo;
    v.migrateTo = -1;
    if (v.state === 'running') {
      // Migrating, not waking: no BOOST (CSCHED_FLAG_UNIT_MIGRATING).
      v.state = 'blocked';
      v.cpu = to;
      this.wake(v, now, false);
    } else v.stateSinceNs = now;
  }

  /** The pCPU's next decision: its tick, the end of the slice (or rate limit), or the end of the running burst. */
  private arm(p: PCpu, v: VCpu, now: number, sliceEnd: number): void {
    p.sliceEndNs = sliceEnd;
    const at = Math.min(sliceEnd, p.nextTickNs, this.work.burstEndNs(v, now));
    p.timerSeq = this.s.timers.arm(at, T_PCPU, p.id);
  }

  /** Re-arm the decision after the running vCPU started a new burst (same slice). */
  rearm(cpu: number, now: number): void {
    const p = this.s.pcpus[cpu]!;
    if (p.curr >= 0) this.arm(p, this.vcpu(p.curr), now, p.sliceEndNs);
  }

  /** csched_load_balance: take a strictly better queued vCPU from a busy peer that has more than one. */
  private steal(cpu: number, pri: number): VCpu | null {
    if (this.s.queued === 0) return null; // nothing waits anywhere: the common case of a lightly loaded host
    const n = this.s.pcpus.length;
    for (let k = 0; k < n; k++) {
      const peerId = (this.s.balanceBias + k) % n;
      if (peerId === cpu) continue;
      const peer = this.s.pcpus[peerId]!;
      if (peer.curr < 0 || this.nrRunnable(peer) <= 1) continue;
      for (let i = 0; i < peer.runq.length; i++) {
        const v = this.vcpu(peer.runq[i]!);
        if (v.pri <= pri) break;
        if (!this.allowed(v, cpu)) continue;
        peer.runq.splice(i, 1);
        this.s.queued--;
        v.cpu = cpu;
        this.s.balanceBias = peerId;
        return v;
      }
    }
    return null;
  }

  /** New hard affinity: a vCPU now on a pCPU it may not use moves (no BOOST: it is migrating, not waking). */
  migrate(v: VCpu, now: number): void {
    if (this.allowed(v, v.cpu)) return;
    if (v.state === 'running') {
      v.migrateTo = this.pickCpu(v);
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
  tick(cpu: number, now: number): void {
    const p = this.s.pcpus[cpu]!;
    p.nextTickNs = now + tickPeriodNs(this.s);
    if (p.curr >= 0) {
      const v = this.vcpu(p.curr);
      if (v.pri === PRI_BOOST) v.pri = PRI_UNDER;
      this.burn(v, now);
      if (!v.active) this.acctStart(v);
      else if (p.runq.length > 0) {
        // _csched_cpu_pick from the tick: work waits here while an allowed pCPU idles; move there.
        const idle = this.idlersFor(v, cpu);
        if (idle.length > 0) {
          v.migrateTo = idle[0]!;
          this.schedule(cpu, now);
        }
      }
    }
  }

  acctStart(v: VCpu): void {
    if (v.active) return;
    const d = this.s.doms.get(v.domid)!;
    v.active = true;
    d.activeVcpus.push(v.uid);
    this.s.weight += d.weight;
    if (d.activeVcpus.length === 1) this.s.activeDoms.unshift(d.domid);
  }

  acctStop(v: VCpu): void {
    if (!v.active) return;
    const d = this.s.doms.get(v.domid)!;
    v.active = false;
    d.activeVcpus.splice(d.activeVcpus.indexOf(v.uid), 1);
    this.s.weight -= d.weight;
    if (d.activeVcpus.length === 0) this.s.activeDoms.splice(this.s.activeDoms.indexOf(d.domid), 1);
  }

  /** csched_acct: share out a timeslice of credit to the active domains by weight and cap. */
  acct(now: number): void {
    const s = this.s;
    const perTslice = creditsPerTslice(s);
    const weightTotal = s.weight;
    let creditTotal = perTslice * s.pcpus.length;
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
        if (s.creditBalance < 0)
          peak += Math.floor((-s.creditBalance * d.weight * n + (weightTotal - 1)) / weightTotal);
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
          if (weightLeft !== 0)
            creditTotal += Math.floor(((fair - peak) * weightTotal + (weightLeft - 1)) / weightLeft);
          if (xtra) {
            s.activeDoms.splice(s.activeDoms.indexOf(domid), 1);
            s.activeDoms.unshift(domid);
          }
          fair = peak;
        }
        fair = Math.floor((fair + (n - 1)) / n);
        for (const uid of [...d.activeVcpus]) balance += this.credit(this.vcpu(uid), fair, d.cap, creditCap, now);
      }
      s.creditBalance = balance;
    }
    for (const p of s.pcpus) this.runqSort(p);
    s.acctSeq = s.timers.arm(now + s.params.tsliceMs * NS_PER_MS, T_ACCT, 0);
  }

  /** One vCPU's share at accounting: new priority, parking of capped debtors, the idle bound. */
  private credit(v: VCpu, fair: number, cap: number, creditCap: number, now: number): number {
    const perTslice = creditsPerTslice(this.s);
    v.credit += fair;
    if (v.credit < 0) {
      v.pri = PRI_OVER;
      if (cap !== 0 && v.credit < -creditCap && !v.parked) {
        v.parked = true;
        if (v.state === 'running' || v.state === 'runnable') this.sleep(v, 'offline', now);
      }
      if (v.credit < -perTslice) v.credit = -perTslice;
    } else {
      v.pri = PRI_UNDER;
      if (v.parked) {
        // Unparking is an unpause, not a wake-up from I/O: no BOOST.
        v.parked = false;
        this.work.resume(v, now);
      }
      if (v.credit > perTslice) {
        this.acctStop(v);
        v.credit = Math.trunc(v.credit / 2);
      }
    }
    return v.credit;
  }

  /** csched_runq_sort: after accounting, UNDER (and BOOST) move ahead of OVER, order otherwise kept. */
  private runqSort(p: PCpu): void {
    if (p.runq.length < 2) return;
    const up = p.runq.filter((u) => this.vcpu(u).pri >= PRI_UNDER);
    if (up.length === 0 || up.length === p.runq.length) return;
    p.runq = up.concat(p.runq.filter((u) => this.vcpu(u).pri < PRI_UNDER));
  }
}

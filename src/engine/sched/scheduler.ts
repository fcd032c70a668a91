// The scheduler subsystem ('sched'): vCPUs for every domain, the credit scheduler, workloads, and the
// event loop that moves virtual time.
//
// `run(D)` pops timers in order and jumps from one to the next (a tick, the accounting, a pCPU's next
// decision, a request arriving at a blocked vCPU); nothing is done for the time in between, so an idle
// pCPU costs nothing and a busy one costs per event. Every other command is instantaneous in the world:
// the domain changes it makes (create, fork, pause, an IpC call that blocks, a wake-up, exit) reach the
// scheduler through the Subsystem hooks and the engine's events at the current virtual time.

import { NS_PER_MS, type Timer } from '../clock.js';
import { DOM0, isZombie, type Domain } from '../domain.js';
import { fail } from '../errors.js';
import type { EngineEvent, Hypervisor, SchedView, Subsystem } from '../hypervisor.js';
import { Credit, type Work } from './credit.js';
import { Counters, HIST_SIZE, histRecord, pvmRun, RunReport, zeroCounters } from './report.js';
import {
  DEFAULT_WEIGHT,
  loadState,
  newState,
  PRI_UNDER,
  saveState,
  SchedParams,
  SchedSnapshot,
  SchedState,
  SDom,
  T_ACCT,
  T_PCPU,
  T_WAKE,
  VCpu,
  W_CPU,
  W_REQUESTS,
} from './state.js';
import type { Region } from '../mm/p2m.js';
import {
  admit,
  completeBurst,
  dirtyRegion,
  hasWork,
  LinkedLibraries,
  newWork,
  startBurst,
  streamSeed,
  WorkParams,
  workParams,
} from './workload.js';

interface DomCtx {
  d: Domain;
  p: WorkParams;
  /** The region list dirty was found in, and its length then: a change means look again. */
  regions: Region[];
  length: number;
  dirty: Region | undefined;
}

export const TSLICE_MIN_MS = 1;
export const TSLICE_MAX_MS = 1000;
export const RATELIMIT_MIN_US = 100;
export const RATELIMIT_MAX_US = 500_000;

/** Host options (host.cfg), read with Xen's boot parameter names where Xen has one. */
export function paramsFromHost(raw: Record<string, unknown>): SchedParams {
  const n = (k: string, d: number): number => (typeof raw[k] === 'number' ? (raw[k] as number) : d);
  return {
    tsliceMs: n('sched_credit_tslice_ms', 30),
    ratelimitUs: n('sched_ratelimit_us', 1000),
    boost: n('sched_credit_boost', 1) !== 0,
  };
}

export class CreditScheduler implements Subsystem, SchedView, Work {
  readonly name = 'sched';
  s: SchedState;
  readonly credit: Credit;
  /** Per domid: the domain, its workload parameters and the region requests write (derived, not state). */
  private ctx: (DomCtx | undefined)[] = [];
  /** Latency histograms of the run in progress, by domid. */
  private hist: (Uint32Array | undefined)[] | null = null;
  /** The library subsystem, looked up once per run. */
  private dlDuringRun: LinkedLibraries | null | undefined = undefined;

  constructor(private readonly hv: Hypervisor) {
    this.s = newState(hv.host.pcpus, paramsFromHost(hv.host.raw));
    this.credit = new Credit(this.s, this);
    this.s.acctSeq = this.s.timers.arm(this.s.params.tsliceMs * NS_PER_MS, T_ACCT, 0);
    this.addDomain(hv.dom0, null);
    hv.onEvent((e) => this.onEvent(e));
  }

  // ---- domains join and leave --------------------------------------------------------------------

  private onEvent(e: EngineEvent): void {
    const d = this.hv.domains.get(e.domid);
    if (!d) return;
    if (e.kind === 'created' && !this.s.doms.has(d.domid)) this.addDomain(d, null);
    else if (e.kind === 'paused' || e.kind === 'unpaused' || e.kind === 'blocked') this.apply(d);
  }

  onFork(parent: Domain, child: Domain): void {
    this.addDomain(child, parent);
  }

  onWake(d: Domain): void {
    this.apply(d);
  }

  onExit(d: Domain): void {
    const sd = this.s.doms.get(d.domid);
    if (!sd) return;
    for (const uid of sd.vcpus) {
      const v = this.s.vcpus.get(uid)!;
      this.credit.sleep(v, 'offline', this.hv.nowNs);
      this.credit.acctStop(v);
      sd.cpuNsGone += v.cpuNs;
      this.s.vcpus.delete(uid);
    }
    sd.vcpus = [];
    this.ctx[d.domid] = undefined;
  }

  onRemove(d: Domain): void {
    this.onExit(d);
    this.s.doms.delete(d.domid);
  }

  /**
   * A new domain's vCPUs: a fork inherits its parent's weight, cap and affinity (as a Linux child keeps
   * its nice value and CPU mask); a created domain gets Xen's defaults.
   */
  private addDomain(d: Domain, parent: Domain | null): void {
    const now = this.hv.nowNs;
    const from = parent ? this.s.doms.get(parent.domid) : undefined;
    const sd: SDom = {
      domid: d.domid,
      weight: from?.weight ?? DEFAULT_WEIGHT,
      cap: from?.cap ?? 0,
      vcpus: [],
      activeVcpus: [],
      cpuNsGone: 0,
      paused: d.paused,
      waiting: d.waiting !== null,
    };
    this.s.doms.set(d.domid, sd);
    const p = this.paramsOf(d);
    for (let i = 0; i < d.vcpus; i++) {
      const model = from ? this.s.vcpus.get(from.vcpus[i] ?? -1) : undefined;
      const v: VCpu = {
        uid: this.s.nextUid++,
        domid: d.domid,
        id: i,
        state: 'blocked',
        cpu: 0,
        pri: PRI_UNDER,
        credit: 0,
        residual: 0,
        burnFromNs: now,
        stateSinceNs: now,
        chargedToNs: now,
        cpuNs: 0,
        active: false,
        parked: false,
        affinity: model?.affinity ? [...model.affinity] : null,
        wakeSeq: 0,
        migrateTo: -1,
        w: newWork(p, streamSeed(this.hv.host.seed, d.domid, i), now),
      };
      this.s.vcpus.set(v.uid, v);
      sd.vcpus.push(v.uid);
      v.cpu = this.credit.pickCpu(v);
      // Inserted, not woken: no BOOST (csched_unit_insert).
      this.resume(v, now, false);
    }
  }

  paramsOf(d: Domain): WorkParams {
    return this.ctxOf(d.domid).p;
  }

  /**
   * The cached context of a live domain; the heap is looked up again when the region list changes. The
   * cache is dropped when the domain goes (onExit) and on load (domids are never reused).
   */
  private ctxOf(domid: number): DomCtx {
    let c = this.ctx[domid];
    if (!c) {
      const d = this.hv.domains.get(domid)!;
      c = { d, p: workParams(d), regions: d.regions, length: d.regions.length, dirty: dirtyRegion(d) };
      this.ctx[domid] = c;
    } else if (c.regions !== c.d.regions || c.length !== c.d.regions.length) {
      c.regions = c.d.regions;
      c.length = c.regions.length;
      c.dirty = dirtyRegion(c.d);
    }
    return c;
  }

  /** Bring a domain's vCPUs in line with its pause and IpC wait (at the current virtual time). */
  private apply(d: Domain): void {
    const sd = this.s.doms.get(d.domid);
    if (!sd) {
      if (!isZombie(d)) this.addDomain(d, null);
      return;
    }
    if (isZombie(d)) return this.onExit(d);
    sd.paused = d.paused;
    sd.waiting = d.waiting !== null;
    for (const uid of sd.vcpus) this.resume(this.s.vcpus.get(uid)!, this.hv.nowNs);
  }

  /** Work.resume and every wake-up path: the state a vCPU should be in now, and the move to it. */
  resume(v: VCpu, now: number, boostable = true): void {
    const c = this.ctxOf(v.domid);
    const d = c.d;
    if (d.paused || v.parked) {
      this.cancelWake(v);
      if (v.state !== 'offline') this.credit.sleep(v, 'offline', now);
      return;
    }
    if (d.waiting) {
      this.cancelWake(v);
      if (v.state !== 'blocked') this.credit.sleep(v, 'blocked', now);
      return;
    }
    if (v.state === 'running' || v.state === 'runnable') return;
    const w = v.w;
    if (w.kind === W_REQUESTS && w.burstLeftNs === 0) {
      admit(w, c.p, now);
      startBurst(w, c.p, d, this.dl());
    }
    if (hasWork(w, now)) {
      this.cancelWake(v);
      this.credit.wake(v, now, boostable);
      return;
    }
    if (v.state === 'offline') {
      v.state = 'blocked';
      v.stateSinceNs = now;
    }
    this.armWake(v);
  }

  private armWake(v: VCpu): void {
    if (v.w.kind === W_REQUESTS && v.wakeSeq === 0 && Number.isFinite(v.w.nextArrivalNs)) {
      v.wakeSeq = this.s.timers.arm(v.w.nextArrivalNs, T_WAKE, v.uid);
    }
  }

  private cancelWake(v: VCpu): void {
    v.wakeSeq = 0;
  }

  private dl(): LinkedLibraries | null {
    if (this.dlDuringRun !== undefined) return this.dlDuringRun;
    const dl = this.hv.subsystem('dl') as (Subsystem & Partial<LinkedLibraries>) | undefined;
    return dl && typeof dl.linkedLibraries === 'function' ? (dl as unknown as LinkedLibraries) : null;
  }

  // ---- Work: what the credit scheduler asks ------------------------------------------------------

  burstEndNs(v: VCpu, now: number): number {
    if (v.w.kind === W_REQUESTS && v.w.burstLeftNs > 0) return now + v.w.burstLeftNs;
    return Infinity;
  }

  // ---- running time ------------------------------------------------------------------------------

  /** Advance virtual time by `durationNs`, running everything that happens meanwhile. */
  run(durationNs: number): RunReport {
    if (!Number.isFinite(durationNs) || durationNs <= 0)
      fail('EINVAL', `duration must be more than zero, not ${durationNs} ns`);
    const hv = this.hv;
    const start = hv.nowNs;
    const end = start + durationNs;
    for (const d of hv.list()) this.apply(d);
    const before = new Map<number, Counters>();
    for (const d of hv.list()) before.set(d.domid, this.counters(d));
    const busyBefore = this.s.pcpus.map((p) => p.busyNs);
    this.hist = [];
    // Libraries are linked and unlinked only by commands, never while time runs: ask once per pVM per run.
    const dl = this.dl();
    const libs: (string[] | undefined)[] = [];
    this.dlDuringRun = dl && { linkedLibraries: (d: Domain): string[] => (libs[d.domid] ??= dl.linkedLibraries(d)) };
    const timers = this.s.timers;
    try {
      for (let t = timers.popUntil(end); t !== undefined; t = timers.popUntil(end)) {
        hv.nowNs = t.at;
        this.fire(t);
      }
      hv.nowNs = end;
      for (const p of this.s.pcpus) if (p.curr >= 0) this.credit.account(this.s.vcpus.get(p.curr)!, end);
      return this.report(start, end, before, busyBefore);
    } finally {
      this.hist = null;
      this.dlDuringRun = undefined;
    }
  }

  /** One timer, at its time (hv.nowNs); the owner ignores it unless it is the one it armed last. */
  private fire(t: Timer): void {
    const target = t.target;
    const seq = t.seq;
    const now = t.at;
    switch (t.kind) {
      case T_ACCT:
        if (this.s.acctSeq === seq) this.credit.acct(now);
        break;
      case T_PCPU:
        if (this.s.pcpus[target]!.timerSeq === seq) this.decide(target, now);
        break;
      case T_WAKE: {
        const v = this.s.vcpus.get(target);
        if (v && v.wakeSeq === seq) {
          v.wakeSeq = 0;
          this.resume(v, now);
        }
        break;
      }
    }
  }

  /**
   * A pCPU's decision time: the running burst ended (serve the next request or block), the tick is due,
   * or the slice ended. Whatever reschedules arms the next decision; otherwise it is re-armed here.
   */
  private decide(cpu: number, now: number): void {
    const p = this.s.pcpus[cpu]!;
    const v = this.s.vcpus.get(p.curr)!;
    const armed = p.timerSeq;
    this.credit.account(v, now);
    this.finishBurst(v, now);
    if (p.curr >= 0 && p.nextTickNs <= now) this.credit.tick(cpu, now);
    if (p.curr < 0) return;
    if (p.timerSeq === armed && now >= p.sliceEndNs) this.credit.schedule(cpu, now);
    else this.credit.rearm(cpu, now); // the tick or a new burst moved the next decision
  }

  /** The running vCPU's burst is done: count the request, start the next one queued, or block. */
  private finishBurst(v: VCpu, now: number): void {
    const w = v.w;
    if (w.kind === W_REQUESTS && w.burstLeftNs === 0) {
      const c = this.ctxOf(v.domid);
      const d = c.d;
      const params = c.p;
      const latency = completeBurst(this.hv, c.dirty, w, params, now);
      if (latency >= 0 && this.hist) {
        const h = (this.hist[d.domid] ??= new Uint32Array(HIST_SIZE));
        histRecord(h, latency);
      }
      admit(w, params, now);
      if (!startBurst(w, params, d, this.dl())) {
        this.credit.sleep(v, 'blocked', now);
        this.armWake(v);
      }
    }
  }

  private counters(d: Domain): Counters {
    const c = zeroCounters();
    const sd = this.s.doms.get(d.domid);
    if (!sd) return c;
    c.cpuNs = sd.cpuNsGone;
    for (const uid of sd.vcpus) {
      const v = this.s.vcpus.get(uid)!;
      c.cpuNs += v.cpuNs;
      c.served += v.w.served;
      c.dropped += v.w.dropped;
      c.failed += v.w.failed;
      c.written += v.w.written;
      c.cow += v.w.cow;
    }
    return c;
  }

  private report(start: number, end: number, before: Map<number, Counters>, busyBefore: number[]): RunReport {
    const dur = end - start;
    const pvms = [];
    const cpuNs: Record<number, number> = {};
    for (const d of this.hv.list()) {
      const r = pvmRun(
        d.name,
        d.domid,
        before.get(d.domid) ?? zeroCounters(),
        this.counters(d),
        dur,
        this.hist![d.domid],
      );
      cpuNs[d.domid] = r.cpu_ns;
      pvms.push(r);
      if (r.cow_breaks > 0)
        this.hv.emit(
          'cow',
          d,
          `${d.name}: ${r.cow_breaks} copy-on-write break${r.cow_breaks === 1 ? '' : 's'} while serving requests`,
        );
    }
    const busyNs = this.s.pcpus.map((p, i) => p.busyNs - busyBefore[i]!);
    this.s.last = { startNs: start, endNs: end, cpuNs, busyNs };
    return {
      start_ns: start,
      end_ns: end,
      duration_ns: dur,
      pvms,
      pcpu_busy_pct: busyNs.map((b) => Math.round((b / dur) * 10000) / 100),
    };
  }

  // ---- SchedView (list's r/b letters and Time(s)) ------------------------------------------------

  vcpusOf(d: Domain): VCpu[] {
    const sd = this.s.doms.get(d.domid);
    return sd ? sd.vcpus.map((u) => this.s.vcpus.get(u)!) : [];
  }

  // Domain-0 is running the toolstack that answers this very command, so list shows it `r`, as
  // `xl list` on Xen always does; its vCPUs' scheduling in `run` is unaffected.
  // list and tree ask these for every pVM (100,000 of them at scale): they walk the vCPU ids without
  // building arrays.
  running(d: Domain): boolean {
    if (d.domid === DOM0) return true;
    const sd = this.s.doms.get(d.domid);
    if (!sd) return false;
    for (const u of sd.vcpus) if (this.s.vcpus.get(u)!.state === 'running') return true;
    return false;
  }

  /** xl's b: every online vCPU is blocked (and there is at least one). */
  blocked(d: Domain): boolean {
    if (d.domid === DOM0) return false;
    const sd = this.s.doms.get(d.domid);
    if (!sd) return false;
    let online = 0;
    for (const u of sd.vcpus) {
      const state = this.s.vcpus.get(u)!.state;
      if (state === 'offline') continue;
      if (state !== 'blocked') return false;
      online++;
    }
    return online > 0;
  }

  cpuTimeNs(d: Domain): number {
    const sd = this.s.doms.get(d.domid);
    if (!sd) return 0;
    let ns = sd.cpuNsGone;
    for (const u of sd.vcpus) ns += this.s.vcpus.get(u)!.cpuNs;
    return ns;
  }

  // ---- controls ----------------------------------------------------------------------------------

  sdom(d: Domain): SDom {
    const sd = this.s.doms.get(d.domid);
    if (!sd) fail('ESRCH', `${d.name} has no vCPUs (it has exited)`);
    return sd;
  }

  /** xl sched-credit -d: weight (1..65535) and cap (0..vCPUs x 100); validated by the caller. */
  setCredit(d: Domain, weight: number | undefined, cap: number | undefined): void {
    const sd = this.sdom(d);
    if (weight !== undefined) {
      this.s.weight += (weight - sd.weight) * sd.activeVcpus.length;
      sd.weight = weight;
    }
    if (cap !== undefined) sd.cap = cap;
  }

  setParams(tsliceMs: number | undefined, ratelimitUs: number | undefined): void {
    if (tsliceMs !== undefined) this.s.params.tsliceMs = tsliceMs;
    if (ratelimitUs !== undefined) this.s.params.ratelimitUs = ratelimitUs;
  }

  /**
   * BOOST on wake-up on or off for the whole pool (the host key sched_credit_boost at run time): a model
   * switch, not a Xen option, so a demo can show the same load with and without it. vCPUs BOOSTed now
   * keep it until the next tick, as they would in Xen.
   */
  setBoost(on: boolean): void {
    this.s.params.boost = on;
  }

  /** xl vcpu-pin: hard affinity of some vCPUs (null = all pCPUs); a vCPU on a pCPU now refused moves. */
  pin(d: Domain, vcpu: number | 'all', cpus: number[] | null): void {
    const vs = this.vcpusOf(d).filter((v) => vcpu === 'all' || v.id === vcpu);
    for (const v of vs) {
      v.affinity = cpus && cpus.length < this.s.pcpus.length ? [...cpus] : null;
      this.credit.migrate(v, this.hv.nowNs);
    }
  }

  /**
   * For the library subsystem (#6): whether a vCPU of d is inside a call into `lib` now (a request burst
   * marked as calling that library, in progress, run or not). untilNs is the earliest virtual time the
   * call can return: now plus the CPU it still needs.
   */
  libraryBusy(d: Domain, lib: string): { untilNs: number } | null {
    let until = -1;
    for (const v of this.vcpusOf(d)) {
      if (v.w.burstLeftNs > 0 && v.w.burstLib === lib) until = Math.max(until, this.hv.nowNs + v.w.burstLeftNs);
    }
    return until < 0 ? null : { untilNs: until };
  }

  // ---- Subsystem: snapshot and invariants --------------------------------------------------------

  save(): SchedSnapshot {
    return saveState(this.s);
  }

  load(data: unknown): void {
    this.ctx = [];
    if (data === undefined || data === null) {
      // A state saved before the scheduler existed: start every live domain afresh at the saved time.
      this.s = newState(this.hv.host.pcpus, paramsFromHost(this.hv.host.raw));
      this.credit.s = this.s;
      this.s.acctSeq = this.s.timers.arm(this.hv.nowNs + this.s.params.tsliceMs * NS_PER_MS, T_ACCT, 0);
      for (const d of this.hv.list()) if (!isZombie(d)) this.addDomain(d, null);
      return;
    }
    this.s = loadState(data as SchedSnapshot);
    this.credit.s = this.s;
  }

  check(): string[] {
    return checkSched(this.s, this.hv);
  }
}

/** Internal consistency of the scheduler state (DESIGN §2.7). */
function checkSched(s: SchedState, hv: Hypervisor): string[] {
  const p: string[] = [];
  // sched-credit keeps these in range; a state file might not (a tslice of -1 ms made `run` loop forever).
  const { tsliceMs, ratelimitUs } = s.params;
  if (!Number.isInteger(tsliceMs) || tsliceMs < TSLICE_MIN_MS || tsliceMs > TSLICE_MAX_MS)
    p.push(`the time slice ${String(tsliceMs)} ms is outside ${TSLICE_MIN_MS}-${TSLICE_MAX_MS}`);
  if (
    !Number.isInteger(ratelimitUs) ||
    (ratelimitUs !== 0 && (ratelimitUs < RATELIMIT_MIN_US || ratelimitUs > RATELIMIT_MAX_US))
  )
    p.push(`the rate limit ${String(ratelimitUs)} us is outside ${RATELIMIT_MIN_US}-${RATELIMIT_MAX_US} (or 0)`);
  const where = new Map<number, string>();
  for (const c of s.pcpus) {
    if (c.curr >= 0) {
      const v = s.vcpus.get(c.curr);
      if (!v) p.push(`pCPU ${c.id} runs vCPU ${c.curr}, which does not exist`);
      else if (v.state !== 'running' || v.cpu !== c.id)
        p.push(`pCPU ${c.id} runs d${v.domid}v${v.id}, which is ${v.state} on pCPU ${v.cpu}`);
      where.set(c.curr, `running on ${c.id}`);
      if (c.nextTickNs === 0 || c.timerSeq === 0)
        p.push(`pCPU ${c.id} is busy without its credit tick or next decision`);
    }
    for (let i = 0; i < c.runq.length; i++) {
      const v = s.vcpus.get(c.runq[i]!);
      if (!v) {
        p.push(`pCPU ${c.id} queues vCPU ${c.runq[i]}, which does not exist`);
        continue;
      }
      if (where.has(v.uid)) p.push(`d${v.domid}v${v.id} is both ${where.get(v.uid)} and queued on ${c.id}`);
      where.set(v.uid, `queued on ${c.id}`);
      if (v.state !== 'runnable' || v.cpu !== c.id)
        p.push(`pCPU ${c.id} queues d${v.domid}v${v.id}, which is ${v.state} on pCPU ${v.cpu}`);
      if (i > 0 && s.vcpus.get(c.runq[i - 1]!)!.pri < PRI_UNDER && v.pri >= PRI_UNDER)
        p.push(`pCPU ${c.id}'s run queue has an OVER vCPU ahead of d${v.domid}v${v.id}`);
    }
  }
  let weight = 0;
  for (const v of s.vcpus.values()) {
    const d = hv.domains.get(v.domid);
    if (!d || isZombie(d)) p.push(`d${v.domid}v${v.id} belongs to no live domain`);
    if ((v.state === 'running' || v.state === 'runnable') && !where.has(v.uid))
      p.push(`d${v.domid}v${v.id} is ${v.state} but on no pCPU`);
    if (v.state === 'running' || v.state === 'runnable') {
      if (d?.paused) p.push(`d${v.domid}v${v.id} of paused ${d.name} is ${v.state}`);
      if (v.parked) p.push(`parked d${v.domid}v${v.id} is ${v.state}`);
      if (v.w.kind === W_REQUESTS && v.w.burstLeftNs <= 0)
        p.push(`d${v.domid}v${v.id} is ${v.state} with no request to serve`);
      if (v.w.kind !== W_REQUESTS && v.w.kind !== W_CPU) p.push(`idle d${v.domid}v${v.id} is ${v.state}`);
    }
    if (v.affinity && v.affinity.some((c) => c < 0 || c >= s.pcpus.length))
      p.push(`d${v.domid}v${v.id} has affinity outside the pCPUs`);
    if ((v.state === 'running' || v.state === 'runnable') && v.affinity && !v.affinity.includes(v.cpu))
      p.push(`d${v.domid}v${v.id} is on pCPU ${v.cpu}, outside its affinity`);
    if (v.active) weight += s.doms.get(v.domid)?.weight ?? 0;
  }
  if (weight !== s.weight) p.push(`active weight is ${s.weight}, the active vCPUs add up to ${weight}`);
  for (const d of hv.domains.values()) {
    if (isZombie(d)) continue;
    const sd = s.doms.get(d.domid);
    if (!sd) p.push(`${d.name} has no scheduler entry`);
    else if (sd.vcpus.length !== d.vcpus)
      p.push(`${d.name} has ${sd.vcpus.length} vCPUs in the scheduler, ${d.vcpus} configured`);
  }
  for (const id of s.activeDoms)
    if ((s.doms.get(id)?.activeVcpus.length ?? 0) === 0)
      p.push(`domain ${id} is on the active list with no active vCPU`);
  const queued = s.pcpus.reduce((a, c) => a + c.runq.length, 0);
  if (queued !== s.queued) p.push(`the run queues hold ${queued} vCPUs, the scheduler counts ${s.queued}`);
  return p.concat(s.timers.check());
}

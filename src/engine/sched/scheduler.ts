// The scheduler subsystem ('sched'): the policy-agnostic core, as Xen's schedule.c. It owns the vCPUs of
// every domain with their runstates and workloads, the timers, the event loop that moves virtual time
// and the run report; the policy it was built with (policy.ts: credit1, credit2, ...) decides who runs.
//
// `run(D)` pops timers in order and jumps from one to the next (a pCPU's next decision, a policy's own
// timer, a request arriving at a blocked vCPU); nothing is done for the time in between, so an idle
// pCPU costs nothing and a busy one costs per event. Every other command is instantaneous in the world:
// the domain changes it makes (create, fork, pause, an IpC call that blocks, a wake-up, exit) reach the
// scheduler through the Subsystem hooks at the current virtual time.

import type { Timer } from '../clock.js';
import { DOM0, isHeld, isZombie, type Domain } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor, Subsystem } from '../hypervisor.js';
import type { HostConfig, ImageConfig } from '../image.js';
import type { Region } from '../mm/p2m.js';
import type { LibraryBusyView, LinkedLibraries, SchedView } from '../ports.js';
import { record } from '../validate.js';
import { cpulist } from './dump-mask.js';
import { imageSched } from './image-sched.js';
import { checkCore } from './check.js';
import type { SchedCore, SchedParams, SchedPolicy, VcpuDescription } from './policy.js';
import { createPolicy, hostPolicyName } from './registry.js';
import { Counters, HIST_SIZE, histRecord, pvmRun, RunReport, zeroCounters } from './report.js';
import {
  CoreSnapshot,
  CoreState,
  ExitedVcpu,
  Interval,
  loadCore,
  newCoreState,
  saveCore,
  SDom,
  T_PCPU,
  T_POLICY,
  T_WAKE,
  VCpu,
  W_NETBACK,
  W_REQUESTS,
  type WorkState,
} from './state.js';
import {
  endJob,
  netbackPrice,
  netbackQueues,
  NO_GUEST,
  queueJob,
  startJob,
  type NetbackQueue,
} from '../net/netback.js';
import {
  admit,
  completeBurst,
  dirtyRegion,
  hasWork,
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

/** The scheduler's section of a saved state: the policy's name and parameters, the core's records, the policy's. */
export interface SchedSnapshot extends CoreSnapshot {
  scheduler: string;
  params: object;
  priv: object;
}

export class Scheduler implements Subsystem, SchedView, LibraryBusyView, SchedCore {
  readonly name = 'sched';
  s: CoreState;
  readonly policy: SchedPolicy;
  /** Per domid: the domain, its workload parameters and the region requests write (derived, not state). */
  private ctx: (DomCtx | undefined)[] = [];
  /** Latency histograms of the run in progress, by domid. */
  private hist: (Uint32Array | undefined)[] | null = null;
  /** What the library subsystem says is linked, asked once per pVM per run. */
  private dlDuringRun: LinkedLibraries | undefined = undefined;

  /** `libs`: the library subsystem's port (newEngine wires it). */
  constructor(
    private readonly hv: Hypervisor,
    private readonly libs: LinkedLibraries,
  ) {
    this.s = newCoreState(hv.host.pcpus);
    this.policy = createPolicy(hostPolicyName(hv.host.raw), this);
    this.addDomain(hv.dom0, null);
  }

  get host(): HostConfig {
    return this.hv.host;
  }

  // ---- domains join and leave --------------------------------------------------------------------

  onInsert(d: Domain): void {
    if (!this.s.doms.has(d.domid)) this.addDomain(d, null);
  }

  onPause(d: Domain): void {
    this.apply(d);
  }

  onUnpause(d: Domain): void {
    this.apply(d);
  }

  onBlock(d: Domain): void {
    this.apply(d);
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
    const now = this.hv.nowNs;
    // A shut-down domain keeps its vCPUs until it is destroyed or reaped (vcpu-list shows them);
    // onRemove drops the record with the domain.
    if (sd.vcpus.length > 0) sd.exited = [];
    for (const uid of sd.vcpus) {
      const v = this.s.vcpus.get(uid)!;
      this.policy.sleep(v, 'offline', now);
      this.policy.removeVcpu(v, now);
      sd.cpuNsGone += v.cpuNs;
      sd.exited?.push({
        id: v.id,
        cpu: v.cpu,
        cpuNs: v.cpuNs,
        affinity: v.affinity && [...v.affinity],
        soft: v.soft && [...v.soft],
      });
      this.s.vcpus.delete(uid);
    }
    sd.vcpus = [];
    this.ctx[d.domid] = undefined;
  }

  onRemove(d: Domain): void {
    this.onExit(d);
    if (this.s.doms.delete(d.domid)) this.policy.removeDomain(d.domid);
  }

  /**
   * A new domain's vCPUs: a fork inherits its parent's affinity (as a Linux child keeps its CPU mask) and,
   * by the policy, its parameters (weight, cap); a created domain gets the defaults.
   */
  private addDomain(d: Domain, parent: Domain | null): void {
    const now = this.hv.nowNs;
    const from = parent ? this.s.doms.get(parent.domid) : undefined;
    const sd: SDom = { domid: d.domid, vcpus: [], cpuNsGone: 0, paused: isHeld(d), waiting: d.waiting !== null };
    this.s.doms.set(d.domid, sd);
    this.policy.insertDomain(d.domid, from ? from.domid : null, now);
    const p = this.paramsOf(d);
    // A created pVM starts as its image's xl.cfg says (cpus, cpus_soft, vcpus up of maxvcpus); a fork
    // as its parent is.
    const img = parent ? null : imageSched(d.image, this.s.pcpus.length);
    for (let i = 0; i < d.vcpus; i++) {
      const model = from ? this.s.vcpus.get(from.vcpus[i] ?? -1) : undefined;
      const v: VCpu = {
        uid: this.s.nextUid++,
        domid: d.domid,
        id: i,
        state: 'blocked',
        cpu: 0,
        stateSinceNs: now,
        chargedToNs: now,
        cpuNs: 0,
        parked: false,
        // A fork's vCPUs are up or down as its parent's are.
        down: img ? i >= img.online : model?.down === true,
        affinity: img ? img.hard(i) : model?.affinity ? [...model.affinity] : null,
        soft: img ? img.soft(i) : model?.soft ? [...model.soft] : null,
        wakeSeq: 0,
        w: newWork(p, streamSeed(this.hv.host.seed, d.domid, i), now),
      };
      // Domain-0's vCPUs run netback: the packets of the pVMs' requests (net/netback.ts).
      if (d.domid === DOM0) v.w.kind = W_NETBACK;
      this.s.vcpus.set(v.uid, v);
      sd.vcpus.push(v.uid);
      this.policy.insertVcpu(v, model ?? null, now);
      // Inserted, not woken by an event (insert_unit): no BOOST.
      this.resume(v, now, false);
    }
    if (img && Object.keys(img.params).length > 0) this.policy.adjustDomain(d.domid, img.params, now);
  }

  /** A pVM about to be created: its image's CPU lists must name this host's pCPUs (nothing changed yet). */
  prepareCreate(image: ImageConfig): void {
    imageSched(image, this.s.pcpus.length);
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
      c = { d, p: workParams(d, this.hv.cost), regions: d.regions, length: d.regions.length, dirty: dirtyRegion(d) };
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
    sd.paused = isHeld(d);
    sd.waiting = d.waiting !== null;
    for (const uid of sd.vcpus) this.resume(this.s.vcpus.get(uid)!, this.hv.nowNs);
  }

  /**
   * Every wake-up path (an event, an unpause, a policy's unparking): the state a vCPU should be in now,
   * and the move to it through the policy.
   */
  resume(v: VCpu, now: number, fromEvent = true): void {
    const c = this.ctxOf(v.domid);
    const d = c.d;
    if (isHeld(d) || v.parked || v.down) {
      this.cancelWake(v);
      if (v.state !== 'offline') this.policy.sleep(v, 'offline', now);
      return;
    }
    if (d.waiting) {
      this.cancelWake(v);
      if (v.state !== 'blocked') this.policy.sleep(v, 'blocked', now);
      return;
    }
    if (v.state === 'running' || v.state === 'runnable') return;
    const w = v.w;
    if (w.kind === W_REQUESTS && w.burstLeftNs === 0) {
      this.admitRequests(v, c, now);
      startBurst(w, c.p, d, this.dl(), this.hv.cost);
    } else if (w.kind === W_NETBACK && w.burstLeftNs === 0) startJob(w);
    if (hasWork(w, now)) {
      this.cancelWake(v);
      this.policy.wake(v, now, fromEvent);
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

  // ---- netback: the requests' packets on Domain-0's vCPUs (net/netback.ts) ---------------------------

  /** The Domain-0 vCPU whose netback thread serves domid's vif: vCPU domid mod Domain-0's vCPUs. */
  private netbackOf(domid: number): VCpu | undefined {
    const uids = this.s.doms.get(DOM0)?.vcpus;
    if (!uids || uids.length === 0) return undefined;
    return this.s.vcpus.get(uids[domid % uids.length]!);
  }

  /**
   * Queue packet work for netback, `guest` to be woken when it is done (or NO_GUEST), and send netback
   * its event: a blocked netback vCPU wakes now, while the sender still runs, as evtchn_send wakes the
   * receiver before the sender blocks (so the pCPU's next decision sees it).
   */
  private toNetback(domid: number, ns: number, guest: number, now: number): void {
    const nb = this.netbackOf(domid);
    if (!nb) return;
    queueJob(nb.w, ns, guest);
    if (nb.state === 'blocked') this.resume(nb, now);
  }

  /** Requests that arrived join the queue; the inbound packets of those netback has not carried are queued for it. */
  private admitRequests(v: VCpu, c: DomCtx, now: number): void {
    const w = v.w;
    let n = admit(w, c.p, now);
    const carried = Math.min(n, w.carried);
    w.carried -= carried;
    n -= carried;
    if (n > 0 && c.p.app) this.toNetback(v.domid, n * netbackPrice(this.hv.cost, c.p.app).inNs, NO_GUEST, now);
  }

  /**
   * A request arrives at a blocked pVM that serves over the network: netback carries it in first, and
   * the pVM is woken by netback's event when it has. Returns false when the arrival is the pVM's own business
   * (it is not blocked, or serves nothing over the network).
   */
  private carryIn(v: VCpu, now: number): boolean {
    const w = v.w;
    if (w.kind !== W_REQUESTS || v.state !== 'blocked' || w.burstLeftNs > 0 || w.queue.length > 0) return false;
    if (w.nextArrivalNs > now) return false;
    const c = this.ctxOf(v.domid);
    if (!c.p.app || isHeld(c.d) || c.d.waiting) return false;
    w.carried++;
    this.toNetback(v.domid, netbackPrice(this.hv.cost, c.p.app).inNs, v.uid, now);
    return true;
  }

  private dl(): LinkedLibraries {
    return this.dlDuringRun ?? this.libs;
  }

  // ---- SchedCore: what every policy asks of the core -----------------------------------------------

  printk(text: string): void {
    this.hv.printk(text);
  }

  /** Count CPU time and burst progress of a running vCPU up to `now`. */
  account(v: VCpu, now: number): void {
    const dt = now - v.chargedToNs;
    if (dt <= 0) return;
    v.cpuNs += dt;
    this.s.pcpus[v.cpu]!.busyNs += dt;
    if (bursts(v.w) && v.w.burstLeftNs > 0) v.w.burstLeftNs = Math.max(0, v.w.burstLeftNs - dt);
    v.chargedToNs = now;
  }

  /** The pCPU's next decision at `at`, or when the running burst ends if that is sooner. */
  armDecision(cpu: number, v: VCpu, now: number, at: number): void {
    const burstEnd = bursts(v.w) && v.w.burstLeftNs > 0 ? now + v.w.burstLeftNs : Infinity;
    this.s.pcpus[cpu]!.timerSeq = this.s.timers.arm(Math.min(at, burstEnd), T_PCPU, cpu);
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
    this.dlDuringRun = { linkedLibraries: (d: Domain): string[] => (libs[d.domid] ??= dl.linkedLibraries(d)) };
    const timers = this.s.timers;
    try {
      for (let t = timers.popUntil(end); t !== undefined; t = timers.popUntil(end)) {
        hv.nowNs = t.at;
        this.fire(t);
      }
      hv.nowNs = end;
      for (const p of this.s.pcpus) if (p.curr >= 0) this.account(this.s.vcpus.get(p.curr)!, end);
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
      case T_POLICY:
        this.policy.timer(target, seq, now);
        break;
      case T_PCPU:
        if (this.s.pcpus[target]!.timerSeq === seq) this.decide(target, now);
        break;
      case T_WAKE: {
        const v = this.s.vcpus.get(target);
        if (v && v.wakeSeq === seq) {
          v.wakeSeq = 0;
          if (!this.carryIn(v, now)) this.resume(v, now);
        }
        break;
      }
    }
  }

  /**
   * A pCPU's decision time: the running burst ended (serve the next request or block), or the policy's
   * own next event there is due (its tick, the end of the slice), which the policy handles.
   */
  private decide(cpu: number, now: number): void {
    const p = this.s.pcpus[cpu]!;
    const v = this.s.vcpus.get(p.curr)!;
    const armed = p.timerSeq;
    this.account(v, now);
    this.finishBurst(v, now);
    if (p.curr >= 0) this.policy.decide(cpu, now, armed);
  }

  /**
   * The running vCPU's burst is done. A pVM's: count the request, hand its reply to netback, start the
   * next one queued, or block. Netback's: wake the pVM it carried a request in for, take the next job,
   * or block.
   */
  private finishBurst(v: VCpu, now: number): void {
    const w = v.w;
    if (w.burstLeftNs !== 0) return;
    if (w.kind === W_REQUESTS) {
      const c = this.ctxOf(v.domid);
      const d = c.d;
      const params = c.p;
      const latency = completeBurst(this.hv, d, c.dirty, w, params, now);
      if (latency >= 0) {
        if (this.hist) histRecord((this.hist[d.domid] ??= new Uint32Array(HIST_SIZE)), latency);
        if (params.app) this.toNetback(d.domid, netbackPrice(this.hv.cost, params.app).outNs, NO_GUEST, now);
      }
      this.admitRequests(v, c, now);
      if (!startBurst(w, params, d, this.dl(), this.hv.cost)) {
        this.policy.sleep(v, 'blocked', now);
        this.armWake(v);
      }
    } else if (w.kind === W_NETBACK) {
      // The guest's event is sent before netback looks for more work or blocks.
      const guest = endJob(w);
      const g = guest === NO_GUEST ? undefined : this.s.vcpus.get(guest);
      if (g && g.state === 'blocked') this.resume(g, now);
      if (!startJob(w)) this.policy.sleep(v, 'blocked', now);
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
      // Netback's jobs are packets carried, not requests served.
      if (v.w.kind !== W_NETBACK) c.served += v.w.served;
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

  /** Domain-0's netback queues, one per Domain-0 vCPU (the console's requests panel). */
  netback(): NetbackQueue[] {
    return netbackQueues(this.vcpusOf(this.hv.dom0));
  }

  /** The last run's interval (CPU per domain and pCPU busy time), null before any. */
  get last(): Interval | null {
    return this.s.last;
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

  /**
   * xl's b (getdomaininfo's XEN_DOMINF_blocked): every vCPU is blocked in Xen's sense (vcpuBlocked), so
   * a paused idle domain is `-bp---`: pausing does not clear a vCPU's blocked flag.
   */
  blocked(d: Domain): boolean {
    if (d.domid === DOM0) return false;
    const sd = this.s.doms.get(d.domid);
    if (!sd || sd.vcpus.length === 0) return false;
    for (const u of sd.vcpus) {
      const v = this.s.vcpus.get(u)!;
      if (!v.down && !this.vcpuBlocked(v)) return false;
    }
    return true;
  }

  /** vCPUs up (xl list's VCPUs: vcpu_online). */
  onlineVcpus(d: Domain): number {
    const sd = this.s.doms.get(d.domid);
    if (!sd) return 0;
    let n = 0;
    for (const u of sd.vcpus) if (!this.s.vcpus.get(u)!.down) n++;
    return n;
  }

  /**
   * xl vcpu-set: vCPUs 0..n-1 up, the rest down (libxl_set_vcpuonline's bitmap). A vCPU taken down
   * leaves its pCPU as a pause does; one brought up resumes what its workload says.
   */
  setOnline(d: Domain, n: number): void {
    const vs = this.vcpusOf(d);
    if (!Number.isInteger(n) || n < 1 || n > vs.length)
      fail(
        'EINVAL',
        `${d.name} has ${vs.length} vCPU${vs.length === 1 ? '' : 's'} (its maxvcpus): 1-${vs.length} may be up, not ${n}`,
      );
    const now = this.hv.nowNs;
    for (const v of vs) {
      const down = v.id >= n;
      if (down === v.down) continue;
      v.down = down;
      this.resume(v, now);
    }
  }

  /**
   * Xen's _VPF_blocked of one vCPU, which xl vcpu-list prints as `b`: blocked waiting for an event. A
   * pause takes the vCPU off the run queues (offline here) without touching that flag, so a paused vCPU
   * is blocked when it would be blocked unpaused: its domain waits in an IpC call, or it has no work.
   * A vCPU parked for want of credit or budget is runnable in Xen's sense, not blocked.
   */
  vcpuBlocked(v: VCpu): boolean {
    if (v.down) return false;
    if (v.state === 'blocked') return true;
    if (v.state !== 'offline' || v.parked) return false;
    const d = this.hv.domains.get(v.domid);
    return d !== undefined && (d.waiting !== null || !hasWork(v.w, this.hv.nowNs));
  }

  /** The vCPUs of a shut-down domain as they were when it stopped (empty for a live one). */
  exitedVcpus(d: Domain): readonly ExitedVcpu[] {
    return this.s.doms.get(d.domid)?.exited ?? [];
  }

  cpuTimeNs(d: Domain): number {
    const sd = this.s.doms.get(d.domid);
    if (!sd) return 0;
    let ns = sd.cpuNsGone;
    for (const u of sd.vcpus) ns += this.s.vcpus.get(u)!.cpuNs;
    return ns;
  }

  // ---- controls: parameters and affinity, through the policy ----------------------------------------

  sdom(d: Domain): SDom {
    const sd = this.s.doms.get(d.domid);
    if (!sd) fail('ESRCH', `${d.name} has no vCPUs (it has exited)`);
    return sd;
  }

  /** A domain's parameters (weight, cap, ...), or null for one the scheduler does not know. */
  domainParams(d: Domain): SchedParams | null {
    return this.s.doms.has(d.domid) ? this.policy.domainParams(d.domid) : null;
  }

  /** xl sched-credit -d / sched-credit2 -d: the policy validates its own ranges (EINVAL, nothing changed). */
  adjustDomain(d: Domain, p: SchedParams): void {
    this.sdom(d);
    this.policy.adjustDomain(d.domid, p, this.hv.nowNs);
  }

  globalParams(): SchedParams {
    return this.policy.globalParams();
  }

  /** xl sched-credit -s / sched-credit2 -s. */
  adjustGlobal(p: SchedParams): void {
    this.policy.adjustGlobal(p, this.hv.nowNs);
  }

  /**
   * xl vcpu-pin: hard affinity of some vCPUs (null = all pCPUs; undefined leaves it as it is), and soft
   * affinity likewise; a vCPU on a pCPU now refused moves (the policy re-picks its pCPU).
   */
  pin(d: Domain, vcpu: number | 'all', cpus: number[] | null | undefined, soft?: number[] | null): void {
    const vs = this.vcpusOf(d).filter((v) => vcpu === 'all' || v.id === vcpu);
    const all = (c: number[] | null): number[] | null => (c && c.length < this.s.pcpus.length ? [...c] : null);
    for (const v of vs) {
      if (soft !== undefined) v.soft = all(soft);
      if (cpus === undefined) continue;
      v.affinity = all(cpus);
      this.policy.migrate(v, this.hv.nowNs);
    }
  }

  /**
   * Xen's 'r' debug key (cpupool.c dump_runq with schedule.c schedule_dump): the header, the pool, the
   * policy's settings and each pCPU's state, as lines for the console ring.
   */
  dumpRunq(): string[] {
    const cpus = cpulist(this.s.pcpus.map((c) => c.id));
    const p = this.policy;
    const lines = [
      'sched_smt_power_savings: disabled',
      `NOW=${this.hv.nowNs}`,
      `Online Cpus: ${cpus}`,
      'Cpupool 0:',
      `Cpus: ${cpus}`,
      `Scheduler: ${p.title ?? p.name} (${p.name})`,
      ...(p.dumpSettings?.() ?? []),
    ];
    if (p.dumpCpu) {
      lines.push('CPUs info:');
      for (const c of this.s.pcpus) lines.push(...p.dumpCpu(c.id));
    }
    return lines;
  }

  /** What displays show of a vCPU (its policy's label and fields). */
  describe(v: VCpu): VcpuDescription {
    return this.policy.describe(v);
  }

  /** uids of the vCPUs waiting for a pCPU. */
  queued(cpu: number): readonly number[] {
    return this.policy.queued(cpu);
  }

  /**
   * For the library subsystem (LibraryBusyView): whether a vCPU of d is inside a call into `lib` now (a
   * request burst marked as calling that library, in progress, run or not). untilNs is the earliest
   * virtual time the call can return: now plus the CPU it still needs.
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
    return {
      scheduler: this.policy.name,
      params: this.policy.saveParams(),
      ...saveCore(this.s),
      priv: this.policy.save(),
    };
  }

  load(data: unknown): void {
    this.ctx = [];
    if (data === undefined || data === null) {
      // A state saved before the scheduler existed: start every live domain afresh at the saved time.
      this.s = newCoreState(this.hv.host.pcpus);
      this.policy.reset(this.hv.nowNs);
      for (const d of this.hv.list()) if (!isZombie(d)) this.addDomain(d, null);
      return;
    }
    const sec = record(data, 'sched');
    if (sec.scheduler === undefined && this.policy.loadLegacy) {
      // Saved before policies had records of their own (credit1 was the only one).
      this.s = loadCore(data as CoreSnapshot);
      this.policy.loadLegacy(sec);
      this.netbackOnDom0();
      return;
    }
    if (sec.scheduler !== this.policy.name)
      fail(
        'EINVAL',
        `state: sched.scheduler must be "${this.policy.name}", the host's scheduler, not ${JSON.stringify(sec.scheduler)}`,
      );
    this.s = loadCore(data as CoreSnapshot);
    this.policy.load(sec.params, sec.priv);
    this.netbackOnDom0();
  }

  /** States saved before netback ran in `run` have Domain-0's vCPUs idle: they run netback now. */
  private netbackOnDom0(): void {
    for (const uid of this.s.doms.get(DOM0)?.vcpus ?? []) this.s.vcpus.get(uid)!.w.kind = W_NETBACK;
  }

  check(): string[] {
    return checkCore(this.s, this.hv, this.policy);
  }
}

/** Whether the workload's CPU comes in bursts that end (a request served, a netback job done). */
function bursts(w: WorkState): boolean {
  return w.kind === W_REQUESTS || w.kind === W_NETBACK;
}

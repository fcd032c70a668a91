// The scheduler's state: pCPUs with their run queues, vCPUs with runstates and credits, the credit
// scheduler's per-domain and global accounting, the timer queue. Everything here is plain data so the
// whole of it serialises into the engine snapshot (save/load below); a restored engine continues
// exactly where the saved one stopped.

import { TimerQueue, TimerQueueSnapshot } from '../clock.js';
import { Rng } from '../rng.js';
import { checkSchedShape } from './shape.js';

// Credit1's priorities (xen/common/sched/credit.c): higher runs first.
export const PRI_BOOST = 0;
export const PRI_UNDER = -1;
export const PRI_OVER = -2;
export const PRI_IDLE = -64;

export const PRI_NAMES: Record<number, string> = {
  [PRI_BOOST]: 'BOOST',
  [PRI_UNDER]: 'UNDER',
  [PRI_OVER]: 'OVER',
  [PRI_IDLE]: 'IDLE',
};

/** Xen's runstates: running on a pCPU, runnable (queued), blocked (waiting for an event), offline (paused, parked). */
export type RunState = 'running' | 'runnable' | 'blocked' | 'offline';

// Timer kinds.
export const T_ACCT = 2; // the master's accounting every timeslice (target: 0)
// A busy pCPU's next decision: its 10 ms credit tick, the end of the slice (or rate limit), or the end of
// the running burst, whichever comes first; one timer per pCPU (target: pCPU).
export const T_PCPU = 3;
export const T_WAKE = 4; // a blocked vCPU's next request arrives (target: vCPU uid)

export const CREDITS_PER_MSEC = 10;
export const TICKS_PER_TSLICE = 3;
export const DEFAULT_WEIGHT = 256;

/** What a vCPU's appliance does (workload.ts). */
export const W_IDLE = 0;
export const W_CPU = 1;
export const W_REQUESTS = 2;

export interface WorkState {
  kind: number;
  rng: Rng;
  /** Next request not yet admitted (requests kind). */
  nextArrivalNs: number;
  /** Arrival times of admitted requests waiting for the vCPU (FIFO, at most `backlog`). */
  queue: number[];
  /** CPU still needed by the request being served; 0 when none is in progress. */
  burstLeftNs: number;
  burstArrivalNs: number;
  /** The library this burst is inside, if it was marked as a library call. */
  burstLib: string | null;
  // Cumulative counters.
  served: number;
  dropped: number;
  failed: number;
  written: number;
  cow: number;
}

export interface VCpu {
  /** Host-wide id; names the vCPU's timers. */
  uid: number;
  domid: number;
  /** vCPU number within its domain. */
  id: number;
  state: RunState;
  /** The pCPU it runs on, is queued on, or last ran on. */
  cpu: number;
  pri: number;
  credit: number;
  /** Remainder of credit burning below one credit, in ns x CREDITS_PER_MSEC. */
  residual: number;
  /** Credits are burned up to here (Xen's start_time). */
  burnFromNs: number;
  /** When it entered its runstate (Xen's state_entry_time; the rate limit reads it). */
  stateSinceNs: number;
  /** CPU time and burst progress are counted up to here while it runs. */
  chargedToNs: number;
  cpuNs: number;
  /** On the credit active list (earning credit). */
  active: boolean;
  /** Capped and out of credit: paused by the scheduler until accounting gives it credit again. */
  parked: boolean;
  /** Hard affinity: the pCPUs it may run on; null for all. */
  affinity: number[] | null;
  /** Sequence number of its live wake timer, 0 for none. */
  wakeSeq: number;
  /** Set by a tick that moves it to an idle pCPU (Xen's _VPF_migrating): -1 when not migrating. */
  migrateTo: number;
  w: WorkState;
}

export interface SDom {
  domid: number;
  weight: number;
  /** % of one pCPU; 0 = no cap. */
  cap: number;
  vcpus: number[];
  /** Active vCPUs (uids), in the order they became active. */
  activeVcpus: number[];
  /** CPU time of vCPUs that no longer exist (an exited pVM keeps its Time(s)). */
  cpuNsGone: number;
  /** The domain's pause and IpC-wait as the scheduler last applied them. */
  paused: boolean;
  waiting: boolean;
}

export interface PCpu {
  id: number;
  /** uid of the running vCPU, -1 for the idle vCPU. */
  curr: number;
  /** uids, highest priority first, FIFO within a priority. */
  runq: number[];
  /** Live T_PCPU timer (0 = none). */
  timerSeq: number;
  /** Next credit tick; 0 while idle (Xen stops the ticker of an idle pCPU). */
  nextTickNs: number;
  sliceEndNs: number;
  busyNs: number;
}

/** One run's CPU per domain, for the console's share view and `top`. */
export interface Interval {
  startNs: number;
  endNs: number;
  cpuNs: Record<number, number>;
  busyNs: number[];
}

export interface SchedParams {
  tsliceMs: number;
  ratelimitUs: number;
  /** Model switch (not a Xen option): false turns BOOST on wake off, for comparisons. */
  boost: boolean;
}

/** vCPUs by uid: an array indexed by uid (uids are small and increasing), for the hot paths. */
export class VcpuTable {
  private a: (VCpu | undefined)[] = [];
  private n = 0;

  get(uid: number): VCpu | undefined {
    return this.a[uid];
  }

  set(uid: number, v: VCpu): void {
    while (this.a.length < uid) this.a.push(undefined);
    if (this.a[uid] === undefined) this.n++;
    this.a[uid] = v;
  }

  delete(uid: number): void {
    if (this.a[uid] !== undefined) this.n--;
    this.a[uid] = undefined;
  }

  get size(): number {
    return this.n;
  }

  *values(): IterableIterator<VCpu> {
    for (const v of this.a) if (v !== undefined) yield v;
  }
}

export interface SchedState {
  params: SchedParams;
  pcpus: PCpu[];
  vcpus: VcpuTable;
  doms: Map<number, SDom>;
  /** Domains with active vCPUs, in Xen's active_sdom order. */
  activeDoms: number[];
  /** Sum of weight x active vCPUs (prv->weight). */
  weight: number;
  creditBalance: number;
  nextUid: number;
  lastTickle: number;
  balanceBias: number;
  timers: TimerQueue;
  acctSeq: number;
  last: Interval | null;
  /** vCPUs waiting on all the run queues (derived, not saved): an idle pCPU with none to steal skips looking. */
  queued: number;
}

export function creditsPerTslice(s: SchedState): number {
  return CREDITS_PER_MSEC * s.params.tsliceMs;
}

export function tickPeriodNs(s: SchedState): number {
  const ticks = s.params.tsliceMs < TICKS_PER_TSLICE ? 1 : TICKS_PER_TSLICE;
  return Math.floor((s.params.tsliceMs * 1000) / ticks) * 1000;
}

export function newState(pcpus: number, params: SchedParams): SchedState {
  return {
    params,
    pcpus: Array.from({ length: pcpus }, (_, id) => ({
      id,
      curr: -1,
      runq: [],
      timerSeq: 0,
      nextTickNs: 0,
      sliceEndNs: 0,
      busyNs: 0,
    })),
    vcpus: new VcpuTable(),
    doms: new Map(),
    activeDoms: [],
    weight: 0,
    creditBalance: 0,
    nextUid: 1,
    lastTickle: 0,
    balanceBias: 0,
    timers: new TimerQueue(),
    acctSeq: 0,
    last: null,
    queued: 0,
  };
}

// ---- snapshots -------------------------------------------------------------------------------------

type WorkSnapshot = Omit<WorkState, 'rng'> & { rng: number };
type VCpuSnapshot = Omit<VCpu, 'w'> & { w: WorkSnapshot };

export interface SchedSnapshot {
  params: SchedParams;
  pcpus: PCpu[];
  vcpus: VCpuSnapshot[];
  doms: SDom[];
  activeDoms: number[];
  weight: number;
  creditBalance: number;
  nextUid: number;
  lastTickle: number;
  balanceBias: number;
  timers: TimerQueueSnapshot;
  acctSeq: number;
  last: Interval | null;
}

export function saveState(s: SchedState): SchedSnapshot {
  return {
    params: { ...s.params },
    pcpus: s.pcpus.map((p) => ({ ...p, runq: [...p.runq] })),
    vcpus: [...s.vcpus.values()].map((v) => ({
      ...v,
      affinity: v.affinity ? [...v.affinity] : null,
      w: { ...v.w, queue: [...v.w.queue], rng: v.w.rng.save() },
    })),
    doms: [...s.doms.values()].map((d) => ({ ...d, vcpus: [...d.vcpus], activeVcpus: [...d.activeVcpus] })),
    activeDoms: [...s.activeDoms],
    weight: s.weight,
    creditBalance: s.creditBalance,
    nextUid: s.nextUid,
    lastTickle: s.lastTickle,
    balanceBias: s.balanceBias,
    timers: s.timers.save(),
    acctSeq: s.acctSeq,
    last: s.last ? { ...s.last, cpuNs: { ...s.last.cpuNs }, busyNs: [...s.last.busyNs] } : null,
  };
}

export function loadState(snap: SchedSnapshot): SchedState {
  checkSchedShape(snap); // a hand-edited section is refused here (EINVAL), not inside a later `run`
  const vcpus = new VcpuTable();
  for (const v of snap.vcpus) {
    const rng = new Rng(0);
    rng.restore(v.w.rng);
    vcpus.set(v.uid, {
      ...v,
      affinity: v.affinity ? [...v.affinity] : null,
      w: { ...v.w, queue: [...v.w.queue], rng },
    });
  }
  const doms = new Map<number, SDom>();
  for (const d of snap.doms) doms.set(d.domid, { ...d, vcpus: [...d.vcpus], activeVcpus: [...d.activeVcpus] });
  return {
    params: { ...snap.params },
    pcpus: snap.pcpus.map((p) => ({ ...p, runq: [...p.runq] })),
    vcpus,
    doms,
    activeDoms: [...snap.activeDoms],
    weight: snap.weight,
    creditBalance: snap.creditBalance,
    nextUid: snap.nextUid,
    lastTickle: snap.lastTickle,
    balanceBias: snap.balanceBias,
    timers: TimerQueue.load(snap.timers),
    acctSeq: snap.acctSeq,
    last: snap.last ? { ...snap.last, cpuNs: { ...snap.last.cpuNs }, busyNs: [...snap.last.busyNs] } : null,
    queued: snap.pcpus.reduce((a, p) => a + p.runq.length, 0),
  };
}

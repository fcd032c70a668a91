// The scheduler core's state: pCPUs, vCPUs with their runstates and workloads, the domains' vCPU lists,
// the timer queue and the last run's interval. A policy's private data (credits, run queues, budgets)
// is the policy's own (policy.ts), as Xen keeps it behind each unit's and domain's `priv` pointer.
// Everything here is plain data so the whole of it serialises into the engine snapshot (save/load
// below); a restored engine continues exactly where the saved one stopped.

import { TimerQueue, TimerQueueSnapshot } from '../clock.js';
import { Rng } from '../rng.js';
import { checkCoreShape } from './shape.js';

/** Xen's runstates: running on a pCPU, runnable (queued), blocked (waiting for an event), offline (paused, parked). */
export type RunState = 'running' | 'runnable' | 'blocked' | 'offline';

// Timer kinds. A policy's own timers (credit1's accounting, credit2's budget replenishments) are
// T_POLICY: the core hands them back to the policy with their target.
export const T_POLICY = 2;
// A busy pCPU's next decision: the policy's next event there (tick, end of slice or rate limit) or the
// end of the running burst, whichever comes first; one timer per pCPU (target: pCPU).
export const T_PCPU = 3;
export const T_WAKE = 4; // a blocked vCPU's next request arrives, or netback has packets (target: vCPU uid)

/** What a vCPU's appliance does (workload.ts). */
export const W_IDLE = 0;
export const W_CPU = 1;
export const W_REQUESTS = 2;
/** Domain-0's netback: packet work the pVMs' requests queue (net/netback.ts). */
export const W_NETBACK = 3;

export interface WorkState {
  kind: number;
  rng: Rng;
  /** Next request not yet admitted (requests kind). */
  nextArrivalNs: number;
  /**
   * Arrival times of admitted requests waiting for the vCPU (FIFO, at most `backlog`); for netback, its
   * jobs as [ns, guest vCPU uid] pairs.
   */
  queue: number[];
  /** CPU still needed by the request being served; 0 when none is in progress. */
  burstLeftNs: number;
  burstArrivalNs: number;
  /** The library this burst is inside, if it was marked as a library call. */
  burstLib: string | null;
  /** Requests whose inbound packets netback has already carried (not queued for it again at admission). */
  carried: number;
  /** Netback: the guest vCPU its job in progress wakes when done, -1 for none. */
  deliverTo: number;
  // Cumulative counters (netback: jobs done in served).
  served: number;
  dropped: number;
  failed: number;
  written: number;
  cow: number;
}

/** A vCPU as the core knows it (Xen's struct vcpu / sched_unit without the policy's priv). */
export interface VCpu {
  /** Host-wide id; names the vCPU's timers and its policy-private record. */
  uid: number;
  domid: number;
  /** vCPU number within its domain. */
  id: number;
  state: RunState;
  /** The pCPU it runs on, is queued for, or last ran on (Xen's v->processor). */
  cpu: number;
  /** When it entered its runstate (Xen's state_entry_time; rate limits read it). */
  stateSinceNs: number;
  /** CPU time and burst progress are counted up to here while it runs. */
  chargedToNs: number;
  cpuNs: number;
  /** Paused by the policy for want of credit or budget (Xen's _VPF_parked) until the policy unparks it. */
  parked: boolean;
  /** Taken offline by the toolstack (xl vcpu-set; Xen's _VPF_down): it does not run until brought up. */
  down: boolean;
  /** Hard affinity: the pCPUs it may run on; null for all. */
  affinity: number[] | null;
  /**
   * Soft affinity (xl vcpu-pin's fourth argument): the pCPUs it prefers; null for all. Kept and shown by
   * vcpu-list; the model's policies place vCPUs by hard affinity only.
   */
  soft: number[] | null;
  /** Sequence number of its live wake timer, 0 for none. */
  wakeSeq: number;
  w: WorkState;
}

/** Whether v may run on pCPU cpu (hard affinity). */
export function allowed(v: VCpu, cpu: number): boolean {
  return v.affinity === null || v.affinity.includes(cpu);
}

/**
 * A vCPU of a domain that has shut down: gone from scheduling, but Xen keeps a shut-down domain's vCPUs
 * until the domain is destroyed, and `xl vcpu-list` shows them (neither running nor blocked).
 */
export interface ExitedVcpu {
  id: number;
  cpu: number;
  cpuNs: number;
  affinity: number[] | null;
  soft: number[] | null;
}

/** A domain as the core knows it: its vCPUs and what it has run. */
export interface SDom {
  domid: number;
  vcpus: number[];
  /** Its vCPUs as they were when it shut down (absent while it runs). */
  exited?: ExitedVcpu[];
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
  /** Live T_PCPU timer (0 = none: the pCPU is idle). */
  timerSeq: number;
  busyNs: number;
}

/** One run's CPU per domain, for the console's share view and `top`. */
export interface Interval {
  startNs: number;
  endNs: number;
  cpuNs: Record<number, number>;
  busyNs: number[];
}

/** Records by uid: an array indexed by uid (uids are small and increasing), for the hot paths. */
export class UidTable<T> {
  private a: (T | undefined)[] = [];
  private n = 0;

  get(uid: number): T | undefined {
    return this.a[uid];
  }

  set(uid: number, v: T): void {
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

  *values(): IterableIterator<T> {
    for (const v of this.a) if (v !== undefined) yield v;
  }
}

export class VcpuTable extends UidTable<VCpu> {}

export interface CoreState {
  pcpus: PCpu[];
  vcpus: VcpuTable;
  doms: Map<number, SDom>;
  nextUid: number;
  timers: TimerQueue;
  last: Interval | null;
}

export function newCoreState(pcpus: number): CoreState {
  return {
    pcpus: Array.from({ length: pcpus }, (_, id) => ({ id, curr: -1, timerSeq: 0, busyNs: 0 })),
    vcpus: new VcpuTable(),
    doms: new Map(),
    nextUid: 1,
    timers: new TimerQueue(),
    last: null,
  };
}

// ---- snapshots -------------------------------------------------------------------------------------

type WorkSnapshot = Omit<WorkState, 'rng' | 'carried' | 'deliverTo'> & {
  rng: number;
  // States saved before netback ran in `run` have neither.
  carried?: number;
  deliverTo?: number;
};
export type VCpuSnapshot = Omit<VCpu, 'w' | 'soft' | 'down'> & {
  w: WorkSnapshot;
  soft?: number[] | null;
  down?: boolean;
};

/** The core's part of the scheduler's section of a saved state. */
export interface CoreSnapshot {
  pcpus: PCpu[];
  vcpus: VCpuSnapshot[];
  doms: SDom[];
  nextUid: number;
  timers: TimerQueueSnapshot;
  last: Interval | null;
}

export function saveCore(s: CoreState): CoreSnapshot {
  return {
    pcpus: s.pcpus.map((p) => ({ ...p })),
    vcpus: [...s.vcpus.values()].map((v) => ({
      ...v,
      affinity: v.affinity ? [...v.affinity] : null,
      soft: v.soft ? [...v.soft] : null,
      w: { ...v.w, queue: [...v.w.queue], rng: v.w.rng.save() },
    })),
    doms: [...s.doms.values()].map((d) => ({
      ...d,
      vcpus: [...d.vcpus],
      ...(d.exited ? { exited: d.exited.map(copyExited) } : {}),
    })),
    nextUid: s.nextUid,
    timers: s.timers.save(),
    last: s.last ? { ...s.last, cpuNs: { ...s.last.cpuNs }, busyNs: [...s.last.busyNs] } : null,
  };
}

/** The core's records from a snapshot, its shape checked first (EINVAL naming what is wrong). */
export function loadCore(snap: CoreSnapshot): CoreState {
  checkCoreShape(snap); // a hand-edited section is refused here, not inside a later `run`
  const vcpus = new VcpuTable();
  for (const v of snap.vcpus) {
    const rng = new Rng(0);
    rng.restore(v.w.rng);
    vcpus.set(v.uid, {
      uid: v.uid,
      domid: v.domid,
      id: v.id,
      state: v.state,
      cpu: v.cpu,
      stateSinceNs: v.stateSinceNs,
      chargedToNs: v.chargedToNs,
      cpuNs: v.cpuNs,
      parked: v.parked,
      // States saved before vcpu-set have every vCPU up.
      down: v.down === true,
      affinity: v.affinity ? [...v.affinity] : null,
      // States saved before soft affinity existed have none: all pCPUs.
      soft: v.soft ? [...v.soft] : null,
      wakeSeq: v.wakeSeq,
      w: { ...v.w, queue: [...v.w.queue], rng, carried: v.w.carried ?? 0, deliverTo: v.w.deliverTo ?? -1 },
    });
  }
  const doms = new Map<number, SDom>();
  for (const d of snap.doms)
    doms.set(d.domid, {
      domid: d.domid,
      vcpus: [...d.vcpus],
      cpuNsGone: d.cpuNsGone,
      paused: d.paused,
      waiting: d.waiting,
      ...(d.exited ? { exited: d.exited.map(copyExited) } : {}),
    });
  return {
    pcpus: snap.pcpus.map((p) => ({ id: p.id, curr: p.curr, timerSeq: p.timerSeq, busyNs: p.busyNs })),
    vcpus,
    doms,
    nextUid: snap.nextUid,
    timers: TimerQueue.load(snap.timers),
    last: snap.last ? { ...snap.last, cpuNs: { ...snap.last.cpuNs }, busyNs: [...snap.last.busyNs] } : null,
  };
}

function copyExited(x: ExitedVcpu): ExitedVcpu {
  return {
    id: x.id,
    cpu: x.cpu,
    cpuNs: x.cpuNs,
    affinity: x.affinity ? [...x.affinity] : null,
    soft: x.soft ? [...x.soft] : null,
  };
}

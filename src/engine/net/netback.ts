// Domain-0's netback while `run` moves time: every packet a pVM's requests exchange is handled by a
// netback thread on one of Domain-0's vCPUs (the pVM's vif on vCPU domid mod Domain-0's vCPUs, as Linux
// runs one kthread per vif queue), and that CPU is scheduled by the host's policy like any other vCPU's.
// A Domain-0 vCPU with packets queued is runnable; it was woken by the event that brought them (so
// credit BOOSTs it, as Xen boosts any vCPU woken from blocked); it blocks when its queue is empty.
//
// A request that arrives while its pVM is blocked waits for netback to carry it in: the pVM is woken by
// netback's event when the copy is done (scheduler.ts carryIn, finishBurst), so its latency holds
// netback's queue and netback's wait for a pCPU. Requests that arrive while the pVM is busy join its queue when it
// looks (workload.ts admit); their packets are queued for netback then, as work, since the pVM's own
// queue is what holds them up. A reply's packets are queued for netback when the pVM finishes it. The
// clients are on the wire (NIC work per packet), as bench apps' are.
//
// A netback vCPU's jobs live in its WorkState's queue as [ns, uid] pairs: the CPU the job needs and the
// guest vCPU to wake when it is done (-1: none, a reply going out or packets of a queued request).

import { NS_PER_US } from '../clock.js';
import type { CostModel } from '../cost-model.js';
import type { AppKind } from '../apps/subsystem.js';
import type { VCpu, WorkState } from '../sched/state.js';
import { dom0PacketValueUs, packetsOf } from './path.js';

/** No guest waits on the job. */
export const NO_GUEST = -1;

/** The ns netback spends on one request's packets in and out, at a cost-model version. */
interface Price {
  version: number;
  inNs: number;
  outNs: number;
}

const prices = new WeakMap<CostModel, Map<AppKind, Price>>();

/** Netback's CPU for a request's packets in and out (ns), from the cost model, cached per version. */
export function netbackPrice(c: CostModel, app: AppKind): Price {
  let byApp = prices.get(c);
  if (!byApp) prices.set(c, (byApp = new Map()));
  let p = byApp.get(app);
  if (!p || p.version !== c.version) {
    const perPacket = dom0PacketValueUs(c, true) * NS_PER_US;
    const n = packetsOf(app);
    p = { version: c.version, inNs: n.in * perPacket, outNs: n.out * perPacket };
    byApp.set(app, p);
  }
  return p;
}

/** Queue a job on a netback vCPU's workload. */
export function queueJob(w: WorkState, ns: number, guest: number): void {
  w.queue.push(ns, guest);
}

/** Take the next job as the burst in progress: returns whether there was one. */
export function startJob(w: WorkState): boolean {
  if (w.queue.length < 2) return false;
  w.burstLeftNs = Math.max(1, Math.round(w.queue.shift()!));
  w.deliverTo = w.queue.shift()!;
  return true;
}

/** The burst in progress is done: the job counts as served; returns the guest to wake, or NO_GUEST. */
export function endJob(w: WorkState): number {
  const guest = w.deliverTo;
  w.burstLeftNs = 0;
  w.deliverTo = NO_GUEST;
  w.served++;
  return guest;
}

/** Jobs waiting on a netback workload (the one in progress not counted). */
export function jobsQueued(w: WorkState): number {
  return w.queue.length >> 1;
}

/** One Domain-0 vCPU's netback as displays show it. */
export interface NetbackQueue {
  /** Domain-0's vCPU number. */
  vcpu: number;
  state: VCpu['state'];
  /** Jobs waiting, and the one in progress if any. */
  jobs: number;
  /** CPU those jobs still need, µs. */
  backlogUs: number;
  /** Jobs done since boot. */
  done: number;
}

/** The netback queues of Domain-0's vCPUs. */
export function netbackQueues(dom0Vcpus: readonly VCpu[]): NetbackQueue[] {
  return dom0Vcpus.map((v) => {
    const w = v.w;
    let ns = w.burstLeftNs;
    for (let i = 0; i + 1 < w.queue.length; i += 2) ns += w.queue[i]!;
    return {
      vcpu: v.id,
      state: v.state,
      jobs: jobsQueued(w) + (w.burstLeftNs > 0 ? 1 : 0),
      backlogUs: ns / NS_PER_US,
      done: w.served,
    };
  });
}

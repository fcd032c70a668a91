// The scheduler interface, as Xen's `struct scheduler` (xen/common/sched/private.h, sched_ops): the
// policy-agnostic core (scheduler.ts: timers, workloads, runstates, the run report, vCPU records) calls a
// policy at the same points Xen's schedule.c calls its scheduler (insert and remove a unit, wake, sleep,
// do_schedule, pick_resource, migrate, adjust and adjust_global), and a policy calls back into the core
// for what belongs to every policy (CPU accounting, the pCPU's decision timer, a parked vCPU's return).
//
// A policy's private data (credits, run queues, budgets) is its own: it keeps per-vCPU records by uid and
// per-domain records by domid, as Xen keeps them behind `unit->priv` and `d->sched_priv`, and saves,
// loads and checks them itself. Policies are found by name in a table (registry.ts), as `sched=` picks
// one of Xen's registered schedulers.

import { fail } from '../errors.js';
import type { HostConfig } from '../image.js';
import type { CoreState, VCpu } from './state.js';

/** A policy's parameters by xl's names (weight, cap; tslice_ms, ratelimit_us). */
export type SchedParams = Record<string, number>;

/** What displays show of a vCPU: a short label (console panel) and fields for `vcpu-list --json`. */
export interface VcpuDescription {
  label: string;
  fields: Record<string, string | number>;
}

/** What the core offers a policy (Xen's schedule.c helpers a scheduler calls). */
export interface SchedCore {
  /** pCPUs, vCPUs, domains and the timer queue; a policy writes only runstates, `cpu`, `curr` and `parked`. */
  readonly s: CoreState;
  readonly host: HostConfig;
  /** Count CPU time and burst progress of a running vCPU up to `now`. */
  account(v: VCpu, now: number): void;
  /** Arm the pCPU's next decision at `at`, or earlier if the running vCPU's burst ends before. */
  armDecision(cpu: number, v: VCpu, now: number, at: number): void;
  /**
   * A vCPU the policy unparks goes back to what its domain and workload say (runnable, blocked, offline);
   * `fromEvent` as for SchedPolicy.wake.
   */
  resume(v: VCpu, now: number, fromEvent: boolean): void;
  /** A line in the hypervisor's console ring (Xen's printk; a boot option reset, say). */
  printk(text: string): void;
}

/** A scheduling policy: Xen's sched_ops, on virtual time and synchronous calls. */
export interface SchedPolicy {
  /** Xen's opt_name, as `sched=` and `xl info`'s xen_scheduler print it: credit, credit2. */
  readonly name: string;

  // ---- domains and vCPUs join and leave (alloc_domdata, insert_unit, remove_unit, free_domdata) ------
  /** A domain's private data; a fork inherits its parent's parameters (`parent` null for a created domain). */
  insertDomain(domid: number, parent: number | null, now: number): void;
  /**
   * A new vCPU (blocked, not queued) gets its private data and its pCPU, by the policy's pick_resource
   * (as Xen's insert_unit calls it); `model` is the forked parent's vCPU.
   */
  insertVcpu(v: VCpu, model: VCpu | null, now: number): void;
  /** A vCPU of an exiting domain, already asleep (offline), drops its private data. */
  removeVcpu(v: VCpu, now: number): void;
  /** The domain record goes (reaped or destroyed). */
  removeDomain(domid: number): void;

  // ---- runstate changes (wake, sleep) --------------------------------------------------------------
  /**
   * A blocked or offline vCPU has work: make it runnable. `fromEvent`: woken by an event (a request, an
   * IpC wake-up, an unpause), as opposed to inserted or migrated (credit1 BOOSTs only the former).
   */
  wake(v: VCpu, now: number, fromEvent: boolean): void;
  /** A vCPU stops being runnable (blocks, is paused or parked): off its queue or off its pCPU. */
  sleep(v: VCpu, to: 'blocked' | 'offline', now: number): void;

  // ---- time ----------------------------------------------------------------------------------------
  /** A busy pCPU's decision timer (armed as `armed`) fired and its vCPU still runs: tick, reschedule or re-arm. */
  decide(cpu: number, now: number, armed: number): void;
  /** A T_POLICY timer the policy armed fired (it ignores one it no longer wants, by `seq`). */
  timer(target: number, seq: number, now: number): void;

  // ---- placement (adjust_affinity and migrate; pick_resource is the policy's own, in insert and here) --
  /** v's hard affinity changed: re-place it as the policy does (no BOOST: it migrates, it does not wake). */
  migrate(v: VCpu, now: number): void;

  // ---- parameters (adjust, adjust_global); each policy validates its own ranges -------------------
  domainParams(domid: number): SchedParams;
  /** Set some of a domain's parameters; EINVAL with xl's message and nothing changed when one is out of range. */
  adjustDomain(domid: number, p: SchedParams, now: number): void;
  globalParams(): SchedParams;
  adjustGlobal(p: SchedParams, now: number): void;

  // ---- displays ------------------------------------------------------------------------------------
  describe(v: VCpu): VcpuDescription;
  /** uids of the runnable vCPUs waiting for `cpu`, in the order the policy would pick them. */
  queued(cpu: number): number[];
  /** Xen's name for the policy in dumps (`struct scheduler`'s name): "SMP Credit Scheduler". */
  readonly title?: string;
  /** The 'r' debug key's dump_settings: the policy's parameters and private state, one line each. */
  dumpSettings?(): string[];
  /** The 'r' debug key's dump_cpu_state for one pCPU (a policy without one dumps its pCPUs in dumpSettings). */
  dumpCpu?(cpu: number): string[];

  // ---- snapshot and invariants ---------------------------------------------------------------------
  /** The global parameters as saved (the section's `params`). */
  saveParams(): object;
  /** Everything else private (the section's `priv`). */
  save(): object;
  /** Restore from a saved section after the core's records are loaded; refuses a bad shape with EINVAL. */
  load(params: unknown, priv: unknown): void;
  /** Restore a section saved before policies had records of their own (optional: credit1's old layout). */
  loadLegacy?(section: Record<string, unknown>): void;
  /** Start afresh (a state saved before the scheduler existed), the core's records empty. */
  reset(now: number): void;
  /** Internal consistency of the private data against the core's records; empty when all is well. */
  check(): string[];
}

/** A policy is asked only for the parameters it has. */
export function onlyKeys(p: SchedParams, known: string[]): void {
  for (const k of Object.keys(p))
    if (!known.includes(k))
      fail('EINVAL', `this scheduler has no parameter '${k}' (it has ${known.length > 0 ? known.join(', ') : 'none'})`);
}

/** Builds a policy for a core (a registry entry). */
export type PolicyFactory = (core: SchedCore) => SchedPolicy;

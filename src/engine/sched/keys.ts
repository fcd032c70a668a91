// The image and host keys the scheduler reads; engine/config.ts joins them into the key tables.

import type { CfgValue, KeySpec } from '../image.js';
import { RUNQUEUE_ARRANGEMENTS } from './credit2-state.js';
import { policyNames } from './registry.js';
import { WORKLOADS } from './workload.js';

/** `sched` names a registered policy; the list is read when the file is, so a policy registered later counts. */
function policyProblem(v: CfgValue): string | null {
  const names = policyNames();
  return names.includes(v as string)
    ? null
    : `must be one of ${names.map((n) => `"${n}"`).join(', ')}, not "${String(v)}"`;
}

export const WORKLOAD_KEYS: Record<string, KeySpec> = {
  workload: {
    type: 'string',
    oneOf: Object.keys(WORKLOADS),
    summary: 'what the appliance does while time runs: idle, cpu, http, redis, dns, daytime',
  },
  rate: { type: 'number', min: 0, max: 1_000_000, summary: 'requests per second arriving at the pVM (Poisson)' },
  burst_us: {
    type: 'number',
    min: 0.001,
    max: 10_000_000,
    summary:
      "mean CPU per request, µs (exponential); default: the request's share of the network path and the app's op (cost.ts)",
  },
  dirty_pages: {
    type: 'int',
    min: 0,
    max: 4096,
    summary: 'heap pages a request writes at random besides its own data, its buffers (copy-on-write after fork)',
  },
  backlog: { type: 'int', min: 1, max: 1_000_000, summary: 'requests waiting at most; more are dropped (default 128)' },
  lib_call_frac: {
    type: 'number',
    min: 0,
    max: 1,
    summary: 'share of request bursts spent inside a linked library (default 0.3)',
  },
};

/** A CPU list key: "0-3,^1" for every vCPU, or one such string per vCPU (xl.cfg's cpus, cpus_soft). */
function cpuListProblem(v: CfgValue): string | null {
  const items = Array.isArray(v) ? v : [v];
  for (const x of items) {
    if (typeof x !== 'string' && typeof x !== 'number') return 'must be a "CPU list" or a [list] of them, one per vCPU';
    if (!/^(\^?((nodes?:)?([0-9]+(-[0-9]+)?|all)))(,\^?((nodes?:)?([0-9]+(-[0-9]+)?|all)))*$/.test(String(x)))
      return `"${String(x)}" is not a CPU list (examples: "all", "2", "0-3", "0,2-4", "all,^1")`;
  }
  return null;
}

/** xl.cfg's scheduling keys, applied when the pVM is created (a fork takes its parent's instead). */
export const SCHED_IMAGE_KEYS: Record<string, KeySpec> = {
  cpu_weight: { type: 'int', min: 1, max: 65535, summary: 'scheduling weight (xl.cfg; default 256)' },
  cap: { type: 'int', min: 0, summary: '% of one pCPU at most, 0 = none (xl.cfg; at most maxvcpus x 100)' },
  cpus: {
    type: 'list',
    orString: true,
    check: cpuListProblem,
    summary: 'hard affinity: "0-3" for every vCPU, or ["2", "3"] one per vCPU (xl.cfg)',
  },
  cpus_soft: {
    type: 'list',
    orString: true,
    check: cpuListProblem,
    summary: 'soft affinity, as cpus (xl.cfg; kept and shown, the model places by hard affinity)',
  },
};

export const SCHED_HOST_KEYS: Record<string, KeySpec> = {
  sched: {
    type: 'string',
    check: policyProblem,
    summary: 'the scheduler, as Xen\'s sched= boot option: "credit" (credit1, the default) or "credit2"',
  },
  // Out-of-range values are reset at boot with Xen's warning (boot-params.ts), not refused.
  sched_credit_tslice_ms: {
    type: 'int',
    min: 0,
    summary: 'credit scheduler timeslice, ms, 1-1000 (Xen boot option; default 30; outside: reset to 30, see dmesg)',
  },
  sched_ratelimit_us: {
    type: 'int',
    min: 0,
    summary:
      'context-switch rate limit, µs, of credit and credit2: 0 (off) or 100-500000 and at most the timeslice (Xen boot option; default 1000; outside: reset as Xen does, see dmesg)',
  },
  vcpu_migration_delay: {
    type: 'int',
    min: 0,
    summary: 'credit: vCPU migration delay, µs, 0-100000 (Xen boot option; default 0; above: reset to 0)',
  },
  credit2_runqueue: {
    type: 'string',
    oneOf: [...RUNQUEUE_ARRANGEMENTS],
    summary:
      'credit2: pCPUs per runqueue, as Xen\'s option: "socket" (default; this host is one socket: one runqueue), "node", "all", "core" or "cpu" (one each)',
  },
  sched_credit2_max_cpus_runqueue: {
    type: 'int',
    min: 1,
    max: 256,
    summary: 'credit2: pCPUs in a runqueue at most (Xen boot option; default 16)',
  },
  sched_credit2_migrate_resist: {
    type: 'int',
    min: 0,
    max: 100_000,
    summary: 'credit2: extra credit, µs, a vCPU needs to move to another pCPU (Xen boot option; default 500)',
  },
  credit2_cap_period_ms: {
    type: 'int',
    min: 1,
    max: 10_000,
    summary: "credit2: how often a capped domain's budget is replenished, ms (Xen boot option; default 10)",
  },
  sched_credit_boost: {
    type: 'int',
    min: 0,
    max: 1,
    summary: 'BOOST on wake-up: 1 as in Xen, 0 turns it off for comparisons (a model switch)',
  },
};

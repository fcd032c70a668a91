// What one KylinX do_fork does, step by step, with each step's modeled time: a read-only view for
// displays (the console plays a fork's steps one after another). The steps add up to forkCost
// (cost-model.ts) plus the toolstack's work for the child (its XenStore entries, xs/subsystem.ts); the
// asynchronous parent–child link that IpC sets up right after fork (ipc/link.ts) comes last and is not
// part of fork's latency, as in KylinX. Values are read from the cost model without charging its meter.

import type { CostModel } from './cost-model.js';
import type { Primitive } from './cost.js';
import type { Domain } from './domain.js';

export interface ForkStep {
  /** What the step does, in KylinX's words. */
  step: string;
  /** One word for it (shell, code, data, ...), for a one-line record. */
  short: string;
  /** Its size ("2048 pages"), empty when it has none. */
  detail: string;
  us: number;
  /** After do_fork returned: not part of the fork's latency. */
  async: boolean;
}

export interface ForkStepOptions {
  /** Live domains (Domain-0 included) when the child's shell was made: XenStore's cost grows with them. */
  live: number;
  /** The child's shell came from the pool of pre-created shells. */
  fromPool: boolean;
  /** What the toolstack's work for the child cost (its XenStore entries; 0 with noxs), µs. */
  toolstackUs: number;
}

/** The parent's pages by what do_fork does with them: code shared read-only, data and stack granted copy-on-write, shm kept shared. */
function pagesByRole(parent: Domain): { code: number; data: number; stack: number; shm: number } {
  const out = { code: 0, data: 0, stack: 0, shm: 0 };
  for (const r of parent.regions) {
    if (r.kind === 'ro') out.code += r.pages;
    else if (r.kind === 'shared') out.shm += r.pages;
    else if (r.name === 'stack') out.stack += r.pages;
    else out.data += r.pages;
  }
  return out;
}

const pages = (n: number): string => `${n} page${n === 1 ? '' : 's'}`;

/** The steps of forking one child of `parent`; their synchronous times add up to forkCost + o.toolstackUs. */
export function forkSteps(cost: CostModel, parent: Domain, o: ForkStepOptions): ForkStep[] {
  const us = (name: Primitive, n = 1): number => cost.value(name) * n;
  const p = pagesByRole(parent);
  const step = (short: string, s: string, detail: string, t: number, async = false): ForkStep => ({
    step: s,
    short,
    detail,
    us: t,
    async,
  });
  const out: ForkStep[] = [
    o.fromPool
      ? step('shell', 'take a pre-created shell from the pool', '', 0)
      : step('shell', 'create an empty domain shell', '', us('shell_create')),
  ];
  if (o.toolstackUs > 0)
    out.push(step('xenstore', 'write the domain into XenStore', `${o.live} live domains`, o.toolstackUs));
  out.push(
    step('code', 'share code read-only', pages(p.code), us('page_share', p.code)),
    step('data', 'grant data copy-on-write', pages(p.data), us('page_share', p.data)),
    step('stack', 'grant the stack copy-on-write', pages(p.stack), us('page_share', p.stack)),
  );
  if (p.shm > 0) out.push(step('shm', 'keep shared memory shared writable', pages(p.shm), us('page_share', p.shm)));
  out.push(
    step('state', 'pass state and registers', '', us('state_pass')),
    step('call', 'save registers, call do_fork, get the child id', '', us('fork_entry')),
    step('unpause', 'unpause the child', '', us('unpause')),
    step(
      'link',
      'parent–child event channel and shared page',
      'asynchronous',
      us('evtchn_op', 2) + us('grant_access') + us('grant_map'),
      true,
    ),
  );
  return out;
}

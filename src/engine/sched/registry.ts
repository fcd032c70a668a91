// The scheduling policies by name, as Xen registers its schedulers (REGISTER_SCHEDULER) and `sched=`
// picks one: the host key `sched` names the policy (default "credit", as Xen's). A new policy is a
// SchedPolicy and one entry here (or registerPolicy, e.g. from a test).

import { fail } from '../errors.js';
import { Credit } from './credit.js';
import { Credit2 } from './credit2.js';
import type { PolicyFactory, SchedCore, SchedPolicy } from './policy.js';

export const DEFAULT_POLICY = 'credit';

const POLICIES = new Map<string, PolicyFactory>([
  ['credit', (core) => new Credit(core)],
  ['credit2', (core) => new Credit2(core)],
]);

/** Add a policy under `name` (a name taken is refused: a policy is never replaced under its users). */
export function registerPolicy(name: string, factory: PolicyFactory): void {
  if (POLICIES.has(name)) fail('EEXIST', `a scheduler named '${name}' is already registered`);
  POLICIES.set(name, factory);
}

/** Remove a policy registered by registerPolicy (tests clean up after themselves). */
export function unregisterPolicy(name: string): void {
  if (name === 'credit' || name === 'credit2') fail('EINVAL', `the ${name} scheduler is built in`);
  POLICIES.delete(name);
}

export function policyNames(): string[] {
  return [...POLICIES.keys()];
}

/** The policy a host asks for with its `sched` key. */
export function hostPolicyName(raw: Record<string, unknown>): string {
  return typeof raw.sched === 'string' ? raw.sched : DEFAULT_POLICY;
}

export function createPolicy(name: string, core: SchedCore): SchedPolicy {
  const make = POLICIES.get(name);
  if (!make) fail('EINVAL', `sched: no scheduler named '${name}' (there are ${policyNames().join(', ')})`);
  const policy = make(core);
  if (policy.name !== name) fail('EINVAL', `the scheduler registered as '${name}' calls itself '${policy.name}'`);
  return policy;
}

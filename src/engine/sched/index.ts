// Plugging the scheduler into a hypervisor: the 'sched' subsystem, which also answers list's r/b
// letters and Time(s) (hv.sched).

import type { Hypervisor } from '../hypervisor.js';
import { CreditScheduler } from './scheduler.js';

export function registerSched(hv: Hypervisor): CreditScheduler {
  const s = new CreditScheduler(hv);
  hv.register(s);
  hv.sched = s;
  return s;
}

/** The scheduler of an engine (every engine from newEngine has one). */
export function schedOf(hv: Hypervisor): CreditScheduler {
  const s = hv.subsystem<CreditScheduler>('sched');
  if (!s) throw new Error('this engine has no scheduler (build it with newEngine)');
  return s;
}

export { CreditScheduler } from './scheduler.js';

// Plugging the scheduler into a hypervisor: the 'sched' subsystem, built with the policy the host's
// `sched` key names, which also answers list's r/b letters and Time(s) (hv.sched).

import type { Hypervisor } from '../hypervisor.js';
import { Scheduler } from './scheduler.js';

export function registerSched(hv: Hypervisor): Scheduler {
  const s = new Scheduler(hv);
  hv.register(s);
  hv.sched = s;
  return s;
}

/** The scheduler of an engine (every engine from newEngine has one). */
export function schedOf(hv: Hypervisor): Scheduler {
  const s = hv.subsystem<Scheduler>('sched');
  if (!s) throw new Error('this engine has no scheduler (build it with newEngine)');
  return s;
}

export { Scheduler } from './scheduler.js';

// Plugging the scheduler into a hypervisor: the 'sched' subsystem, built with the policy the host's
// `sched` key names, which also answers list's r/b letters and Time(s) (SchedView) and the library
// subsystem's quiescence question (LibraryBusyView).

import type { Hypervisor } from '../hypervisor.js';
import type { LinkedLibraries } from '../ports.js';
import { Scheduler } from './scheduler.js';

/** `libs`: what the library subsystem says a pVM links (newEngine wires the two). */
export function registerSched(hv: Hypervisor, libs: LinkedLibraries): Scheduler {
  const s = new Scheduler(hv, libs);
  hv.register(s);
  return s;
}

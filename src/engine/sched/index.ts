// Plugging the scheduler into a hypervisor: the 'sched' subsystem, which also answers list's r/b
// letters and Time(s) (SchedView) and the library subsystem's quiescence question (LibraryBusyView).

import type { Hypervisor } from '../hypervisor.js';
import type { LinkedLibraries } from '../ports.js';
import { CreditScheduler } from './scheduler.js';

/** `libs`: what the library subsystem says a pVM links (newEngine wires the two). */
export function registerSched(hv: Hypervisor, libs: LinkedLibraries): CreditScheduler {
  const s = new CreditScheduler(hv, libs);
  hv.register(s);
  return s;
}

export { CreditScheduler } from './scheduler.js';

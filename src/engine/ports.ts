// The views subsystems have of one another. Each is a narrow port, declared here so neither side
// imports the other: the scheduler answers SchedView and LibraryBusyView, the library subsystem
// answers LinkedLibraries, and newEngine (index.ts) wires them together in one place.

import type { Domain } from './domain.js';

/** What the scheduler tells `list`: xl's r/b letters and CPU time. */
export interface SchedView {
  running(d: Domain): boolean;
  blocked(d: Domain): boolean;
  cpuTimeNs(d: Domain): number;
}

/**
 * What the library subsystem asks the scheduler before it unlinks or updates a library: until when a
 * vCPU of `d` is inside `lib`, or null when the library is quiescent. `lib` is a key as
 * LinkedLibraries gives them ("libm@1.16"): a call into 1.16 still running keeps 1.16 busy, not a 1.18
 * mapped since.
 */
export interface LibraryBusyView {
  libraryBusy(d: Domain, lib: string): { untilNs: number } | null;
}

/** What the scheduler asks the library subsystem: the libraries a pVM links ("libm@1.16"), for its request bursts. */
export interface LinkedLibraries {
  linkedLibraries(d: Domain): string[];
}

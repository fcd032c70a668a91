// A pVM: a Xen domain that plays a process. It has a parent, children and a family (every pVM forked,
// transitively, from one root); its memory is a list of regions mapped through the p2m.

import type { ImageConfig } from './image.js';
import type { Region, RegionSnapshot } from './mm/p2m.js';
import type { Waiting, WaitingSnapshot } from './waiting.js';

export const DOM0 = 0;

/** xl's shutdown reasons, in the order of its letters "-rscwS". */
export type ShutdownReason = 'poweroff' | 'reboot' | 'suspend' | 'crash' | 'watchdog' | 'soft_reset';
export const SHUTDOWN_LETTERS: Record<ShutdownReason, string> = {
  poweroff: '-',
  reboot: 'r',
  suspend: 's',
  crash: 'c',
  watchdog: 'w',
  soft_reset: 'S',
};

export interface Shutdown {
  reason: ShutdownReason;
  /**
   * The exit code (exit's low 8 bits, WEXITSTATUS) when it exited; 0 when a signal ended it (then
   * `signal` is set: WIFSIGNALED, WTERMSIG). A state saved before kept 128 + the number here; with
   * `signal` set it is not read.
   */
  status: number;
  /** The signal that ended it, if any (e.g. "SIGKILL"). */
  signal: string | null;
}

export interface Domain {
  domid: number;
  name: string;
  image: ImageConfig;
  /** Parent domid; Domain-0 (0) for pVMs the toolstack created and for orphans without a family root. */
  parent: number;
  children: number[];
  /** Domid of the family's root (the pVM created by the toolstack). */
  family: number;
  /** Children forked so far; names the next child <name>.<forks+1>. */
  forks: number;
  vcpus: number;
  /** Memory in MiB as configured (xl list's Mem column while the pVM has its memory). */
  memMiB: number;
  regions: Region[];
  /** Paused by the toolstack (xl pause, Xen's controller pause count): only `unpause` clears it. */
  paused: boolean;
  /**
   * Stopped by job control (SIGSTOP, SIGTSTP): only SIGCONT clears it. A second pause reference, as Xen
   * keeps the controller's apart from its own: the pVM runs only when neither is held.
   */
  stopped: boolean;
  shutdown: Shutdown | null;
  /** The call it is blocked in, set by that call and cleared by the one that wakes it (hv.block, hv.wake). */
  waiting: Waiting | null;
  /** Virtual time of creation (ns), for uptime. */
  createdNs: number;
}

export interface DomainSnapshot extends Omit<Domain, 'regions' | 'waiting'> {
  regions: RegionSnapshot[];
  waiting: WaitingSnapshot | null;
}

export function isZombie(d: Domain): boolean {
  return d.shutdown !== null;
}

/** Paused by the toolstack or stopped by a signal: its vCPUs do not run, its blocked call makes no progress. */
export function isHeld(d: Domain): boolean {
  return d.paused || d.stopped;
}

export function region(d: Domain, name: string): Region | undefined {
  return d.regions.find((r) => r.name === name);
}

export function pagesOf(d: Domain): number {
  let n = 0;
  for (const r of d.regions) n += r.pages;
  return n;
}

// The paper's fork baselines on a full engine: Xen's VM fork (mem-sharing.ts) and Nephele's clone
// (clone.ts), with what a child inherits besides its memory (its vCPUs from the scheduler, the parent's
// libraries, its shm attachments, its appliance's data) and, for a clone, xencloned's XenStore work. `fork --xen`, `clone` and
// `bench fork` call these.

import { type Cloned, clone } from './clone.js';
import type { Domain } from './domain.js';
import type { Engine } from './index.js';
import { inheritAttachments } from './ipc/shm.js';
import { type XenForked, xenFork } from './mem-sharing.js';

function inherit(hv: Engine, parent: Domain, child: Domain): void {
  hv.sched.onFork(parent, child);
  hv.dl.onFork(parent, child);
  inheritAttachments(hv.ipc, child);
  hv.apps.onFork(parent, child); // the appliance's data, as its memory: the parent's at fork time
}

/** n VM forks of `parent` (Xen mem_sharing): it is paused and stays paused while they exist. */
export function vmFork(hv: Engine, parent: Domain, n: number): XenForked {
  return xenFork(hv, hv.memSharing, parent, n, (c) => inherit(hv, parent, c));
}

/** `parent` clones itself n times (Nephele), xencloned cloning its XenStore entries for each. */
export function nepheleClone(hv: Engine, parent: Domain, n: number): Cloned {
  return clone(hv, hv.clones, parent, n, {
    inherit: (c) => inherit(hv, parent, c),
    xencloned: (p, c) => hv.xs.cloneDomain(p, c),
  });
}

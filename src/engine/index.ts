// Building an engine: a hypervisor with every subsystem plugged in, and the host booted.
// The one place that knows which subsystems exist.

import { Hypervisor } from './hypervisor.js';
import { Ipc } from './ipc/subsystem.js';
import type { HostConfig, ImageConfig } from './image.js';
import { create } from './lifecycle.js';
import { fail } from './errors.js';
import { registerDl } from './dl/index.js';
import type { LibraryStore } from './dl/store.js';
import { registerSched } from './sched/index.js';

/** What an engine is built with besides the host: the library store read from images/lib (src/dl-io.ts). */
export interface EngineOptions {
  libs?: LibraryStore;
}

/** A hypervisor with all subsystems registered, not yet booted (restore loads into this). */
export function newEngine(host: Partial<HostConfig> = {}, opts: EngineOptions = {}): Hypervisor {
  const hv = new Hypervisor(host);
  registerDl(hv, opts.libs);
  registerSched(hv);
  hv.register(new Ipc(hv));
  return hv;
}

/** Start the host's boot appliances (host.cfg `boot`), as a freshly booted host would have them. */
export function bootHost(hv: Hypervisor, images: Map<string, ImageConfig>): void {
  for (const name of hv.host.boot) {
    const img = images.get(name);
    if (!img) fail('ENOENT', `host boot list names image '${name}', which is not in the images directory`);
    create(hv, img);
  }
  hv.drainEvents();
}

// Building an engine: a hypervisor with every subsystem plugged in, and the host booted.
// The one place that knows which subsystems exist.

import { Hypervisor } from './hypervisor.js';
import { Ipc } from './ipc/subsystem.js';
import type { HostConfig, ImageConfig } from './image.js';
import { create } from './lifecycle.js';
import { fail } from './errors.js';

/** A hypervisor with all subsystems registered, not yet booted (restore loads into this). */
export function newEngine(host: Partial<HostConfig> = {}): Hypervisor {
  const hv = new Hypervisor(host);
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

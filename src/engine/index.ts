// Building an engine: a hypervisor with every subsystem plugged in, and the host booted.
// The one place that knows which subsystems exist and wires the ports between them (ports.ts).

import { Apps } from './apps/subsystem.js';
import type { CostOverrides } from './cost-model.js';
import { ConsoleRing } from './conring.js';
import { Hypervisor } from './hypervisor.js';
import { Ipc } from './ipc/subsystem.js';
import type { HostConfig, ImageConfig } from './image.js';
import { create } from './lifecycle.js';
import { fail } from './errors.js';
import { registerDl } from './dl/index.js';
import type { DlSubsystem } from './dl/subsystem.js';
import type { LibraryStore } from './dl/store.js';
import { registerSched } from './sched/index.js';
import type { Scheduler } from './sched/scheduler.js';
import { registerXs, type XenStore } from './xs/subsystem.js';
import { type MemSharing, registerMemSharing } from './mem-sharing.js';
import { type Clones, registerClones } from './clone.js';

/** What an engine is built with besides the host: the library store read from images/lib (src/dl-io.ts), cost overrides. */
export interface EngineOptions {
  libs?: LibraryStore | undefined;
  costs?: CostOverrides | undefined;
}

/** A hypervisor with its subsystems, each typed and always present. */
export type Engine = Hypervisor & {
  readonly sched: Scheduler;
  readonly ipc: Ipc;
  readonly dl: DlSubsystem;
  readonly xs: XenStore;
  readonly memSharing: MemSharing;
  readonly clones: Clones;
  /** The console ring (xl dmesg). */
  readonly conring: ConsoleRing;
  readonly apps: Apps;
};

/** A hypervisor with all subsystems registered, not yet booted (restore loads into this). */
export function newEngine(host: Partial<HostConfig> = {}, opts: EngineOptions = {}): Engine {
  const hv = new Hypervisor(host, opts.costs);
  // First, so the scheduler's boot warnings (a clamped host-file value) have somewhere to go.
  const conring = new ConsoleRing();
  hv.register(conring);
  // The scheduler and the library subsystem ask each other (ports.ts): the library subsystem is built
  // first with a port that reaches the scheduler once it exists (nothing asks before create or update).
  const dl = registerDl(hv, { store: opts.libs, busy: { libraryBusy: (d, lib) => sched.libraryBusy(d, lib) } });
  const sched = registerSched(hv, dl);
  const ipc = new Ipc(hv);
  hv.register(ipc);
  const xs = registerXs(hv);
  const memSharing = registerMemSharing(hv);
  const clones = registerClones(hv);
  const apps = new Apps(hv);
  hv.register(apps);
  return Object.assign(hv, { sched, ipc, dl, xs, memSharing, clones, conring, apps });
}

/** Start the host's boot appliances (host.cfg `boot`), as a freshly booted host would have them. */
export function bootHost(hv: Engine, images: Map<string, ImageConfig>): void {
  for (const name of hv.host.boot) {
    const img = images.get(name);
    if (!img) fail('ENOENT', `host boot list names image '${name}', which is not in the images directory`);
    create(hv, img);
  }
  hv.conring.logEvents(hv.drainEvents());
}

// The library subsystem plugged into a hypervisor: bookkeeping (subsystem.ts) with the create hooks
// that link an image's libraries (linker.ts) or boot a static one (static.ts).

import type { Hypervisor } from '../hypervisor.js';
import type { LibraryBusyView } from '../ports.js';
import { linkImage, prepareImage } from './linker.js';
import { staticBootCost, staticLibraries } from './static.js';
import type { LibraryStore } from './store.js';
import { DlSubsystem } from './subsystem.js';

export interface DlRegistration {
  /** The store read from images/lib (src/dl-io.ts); without one it comes from a loaded state. */
  store?: LibraryStore | undefined;
  /** The scheduler's view of which library a vCPU is inside. */
  busy: LibraryBusyView;
}

export function registerDl(hv: Hypervisor, opts: DlRegistration): DlSubsystem {
  const dl: DlSubsystem = new DlSubsystem(hv, {
    ...opts,
    linking: {
      prepare: (image, framesLeft) => prepareImage(dl, image, framesLeft),
      // A static image (MiniOS) links nothing at create: its boot loads and relocates what it holds.
      create: (d) => linkImage(hv, dl, d) + staticBootCost(hv.cost, staticLibraries(dl, d.image)),
    },
  });
  hv.register(dl);
  return dl;
}

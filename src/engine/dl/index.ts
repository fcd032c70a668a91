// The library subsystem plugged into a hypervisor: bookkeeping (subsystem.ts) with the create hooks
// that link an image's libraries (linker.ts).

import type { Hypervisor } from '../hypervisor.js';
import { linkImage, prepareImage } from './linker.js';
import { LibraryStore } from './store.js';
import { DlSubsystem } from './subsystem.js';

export function registerDl(hv: Hypervisor, store?: LibraryStore): DlSubsystem {
  const dl = new DlSubsystem(hv, store);
  dl.createHooks = {
    prepare: (image, framesLeft) => prepareImage(dl, image, framesLeft),
    create: (d) => linkImage(hv, dl, d),
  };
  hv.register(dl);
  return dl;
}

// Recycling (KylinX §3.3.3): instead of building a domain (the 100+ ms part of a boot under XenStore),
// restore a checkpointed empty domain — the `empty` image, booted and waiting before the entry of its
// placeholder library — and replace the placeholder with the application, built as a shared library
// (the image's `app_library`), through the online-update path. The application's text is then loaded
// once per host and shared by every recycled appliance of it.
//
// Limits, as in the paper: only the empty domain is checkpointed; the application must be
// self-contained (a library whose needs the image's own libraries satisfy); the loader is the empty
// pVM itself, so the loader rule is met by construction.

import type { Domain } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import type { ImageConfig } from '../image.js';
import { create } from '../lifecycle.js';
import { imageRequests, planLink } from './linker.js';
import { dataPages, LibraryEntry, textPages } from './manifest.js';
import { checkLibrary } from './restrictions.js';
import { parseLibRef } from './store.js';
import { DlSubsystem } from './subsystem.js';
import { incompatibilities, replaceLibrary, UpdateOne } from './update.js';
import { parseNeed, satisfies } from './version.js';

export interface Recycled {
  domain: Domain;
  appLibrary: string;
  /** Restoring the checkpoint and linking the image's libraries. */
  restoreUs: number;
  update: UpdateOne;
  latencyUs: number;
}

/** The library an image's application is built as (`app_library = "app-web@1.0"`). */
function appEntry(dl: DlSubsystem, image: ImageConfig, why: string): LibraryEntry {
  const ref = image.raw.app_library;
  if (ref === undefined)
    fail('ENOEXEC', `image ${image.name} is not built as a library (no app_library key), so ${why}`);
  if (typeof ref !== 'string') fail('EINVAL', `image ${image.name}: app_library must be a "name@version" string`);
  const r = parseLibRef(ref, true);
  return dl.store.get(r.name, r.version!);
}

/** The image a recycled pVM runs: the empty domain's kernel, the application's memory and libraries. */
function restoredImage(
  app: ImageConfig,
  empty: ImageConfig,
  placeholder: LibraryEntry,
  appLib: LibraryEntry,
): ImageConfig {
  const kernelKb = empty.text_kb + empty.data_kb + empty.bss_kb + empty.stack_kb;
  const heap = app.memory * 1024 - kernelKb - appLib.manifest.text_kb - appLib.manifest.data_kb;
  if (heap < 0)
    fail(
      'EINVAL',
      `${app.name} (${app.memory} MiB) cannot hold the empty kernel (${kernelKb} KiB) and ${appLib.manifest.name} (${appLib.manifest.text_kb + appLib.manifest.data_kb} KiB)`,
    );
  const ph = `${placeholder.manifest.name}@${placeholder.manifest.version}`;
  const libs = (Array.isArray(app.raw.libraries) ? app.raw.libraries : []).filter((x) => x !== ph);
  return {
    ...empty,
    name: app.name,
    description: app.description,
    memory: app.memory,
    vcpus: app.vcpus,
    heap_kb: heap,
    raw: { ...app.raw, libraries: [ph, ...libs] },
  };
}

/** `create <image> --recycle`: validate everything, restore the checkpoint, update placeholder -> application. */
export function recycle(
  hv: Hypervisor,
  dl: DlSubsystem,
  app: ImageConfig,
  empty: ImageConfig,
  name?: string,
): Recycled {
  const appLib = appEntry(dl, app, 'it cannot be recycled (create it without --recycle)');
  const placeholder = appEntry(dl, empty, 'there is no checkpointed empty domain to recycle');
  const image = restoredImage(app, empty, placeholder, appLib);
  // Everything the update path will check, checked before the domain exists.
  checkLibrary(appLib, image, null, null);
  const bad = incompatibilities(placeholder.manifest, appLib.manifest);
  if (bad.length > 0)
    fail(
      'EINVAL',
      `${appLib.manifest.name} ${appLib.manifest.version} cannot replace the placeholder ${placeholder.manifest.name}: ${bad.join('; ')}`,
    );
  const plan = planLink(dl, { image, d: null, linked: [] }, imageRequests(image), null);
  for (const n of appLib.manifest.needs) {
    const need = parseNeed(n, appLib.file);
    const dep = plan.steps.find((s) => s.entry.manifest.name === need.lib);
    if (!dep || !satisfies(dep.entry.manifest.version, need.range))
      fail(
        'EINVAL',
        `${appLib.manifest.name} needs ${n}, which image ${app.name}'s libraries do not give (the application must be self-contained)`,
      );
  }
  const appFrames =
    (dl.masters.has(`${appLib.manifest.name}@${appLib.manifest.version}`) ? 0 : textPages(appLib.manifest)) +
    dataPages(appLib.manifest);
  const kernelPages = (image.text_kb + image.data_kb + image.bss_kb + image.stack_kb + image.heap_kb) / 4;
  if (kernelPages + plan.frames + appFrames > hv.frames.free)
    fail(
      'ENOMEM',
      `recycling ${app.name} needs ${kernelPages + plan.frames + appFrames} frames, the host has ${hv.frames.free} free`,
    );
  const c = create(hv, image, { name, how: 'restore' });
  const d = c.domain;
  const old = dl.require(d, placeholder.manifest.name);
  const u = replaceLibrary(hv, dl, d, old, appLib, false);
  return {
    domain: d,
    appLibrary: `${appLib.manifest.name}@${appLib.manifest.version}`,
    restoreUs: c.latencyUs,
    update: u,
    latencyUs: c.latencyUs + u.totalUs,
  };
}

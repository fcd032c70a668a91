// The restrictions an image places on what it links (KylinX §3.3.4), checked by dom0 before anything is
// mapped. Four rules, each refusal naming the rule and the library:
//   signature  the manifest's detached signature verifies with its signer's public key (trust/);
//   signer     the signer is one the image trusts (`lib_signers`; default: every key in trust/);
//   version    the version is in the image's range for that library (`lib_versions`);
//   loader     who asks for the link (`lib_loader`): "self" only the pVM itself, "app" also pVMs of the
//              same image, "any" any pVM. Domain-0 links an image's own libraries at create and runs
//              `update` on the operator's behalf; both count as the pVM itself (dom0 is trusted).

import type { Domain } from '../domain.js';
import { fail } from '../errors.js';
import type { ImageConfig } from '../image.js';
import type { LibraryEntry } from './manifest.js';
import { parseNeed, satisfies, VersionRange } from './version.js';

export type LoaderLevel = 'self' | 'app' | 'any';
export const LOADER_LEVELS: LoaderLevel[] = ['self', 'app', 'any'];
export const DEFAULT_LOADER: LoaderLevel = 'app';

export interface Restrictions {
  /** Trusted signers; null: any signer whose key is in the host's trust store. */
  signers: string[] | null;
  versions: Map<string, VersionRange>;
  loader: LoaderLevel;
}

/** The image's restrictions, validated (EINVAL naming the image and key). */
export function restrictionsOf(image: ImageConfig): Restrictions {
  const where = (k: string): string => `image ${image.name}: ${k}`;
  const strings = (k: string): string[] | undefined => {
    const v = image.raw[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      fail('EINVAL', `${where(k)} must be a list of strings`);
    return v as string[];
  };
  const versions = new Map<string, VersionRange>();
  for (const text of strings('lib_versions') ?? []) {
    const { lib, range } = parseNeed(text, where('lib_versions'));
    if (versions.has(lib)) fail('EINVAL', `${where('lib_versions')} gives ${lib} twice`);
    versions.set(lib, range);
  }
  const loader = (image.raw.lib_loader ?? DEFAULT_LOADER) as LoaderLevel;
  if (!LOADER_LEVELS.includes(loader))
    fail('EINVAL', `${where('lib_loader')} must be one of ${LOADER_LEVELS.map((l) => `"${l}"`).join(', ')}`);
  return { signers: strings('lib_signers') ?? null, versions, loader };
}

/** Throw EPERM naming the rule and the library. */
function refuse(rule: string, entry: LibraryEntry, why: string): never {
  const m = entry.manifest;
  fail('EPERM', `refused ${m.name} ${m.version} by rule '${rule}': ${why}; nothing was mapped`);
}

/**
 * Check one library for `target` (an image, and the pVM when it exists) asked for by `loader` (null:
 * the pVM itself or Domain-0 on its behalf). Every rule of §3.3.4, in the order dom0 checks them.
 */
export function checkLibrary(
  entry: LibraryEntry,
  image: ImageConfig,
  target: Domain | null,
  loader: Domain | null,
): void {
  const r = restrictionsOf(image);
  const m = entry.manifest;
  if (entry.verdict.status !== 'valid') refuse('signature', entry, entry.verdict.detail);
  if (r.signers && !r.signers.includes(m.signer)) {
    refuse(
      'signer',
      entry,
      `signed by ${m.signer}, and image ${image.name} trusts only ${r.signers.join(', ')} (lib_signers)`,
    );
  }
  const range = r.versions.get(m.name);
  if (range && !satisfies(m.version, range))
    refuse('version', entry, `image ${image.name} allows ${m.name} ${range.text} (lib_versions)`);
  if (loader && target && loader.domid !== target.domid) {
    if (r.loader === 'self')
      refuse(
        'loader',
        entry,
        `image ${image.name} lets only the pVM itself load libraries (lib_loader "self"), and ${loader.name} asked for ${target.name}`,
      );
    if (r.loader === 'app' && loader.image.name !== image.name) {
      refuse(
        'loader',
        entry,
        `image ${image.name} lets only pVMs of the same application load libraries (lib_loader "app"), and ${loader.name} runs ${loader.image.name}`,
      );
    }
  }
}

/** Does the image allow this entry (for choosing a version when none is named)? */
export function allows(entry: LibraryEntry, image: ImageConfig): boolean {
  try {
    checkLibrary(entry, image, null, null);
    return true;
  } catch {
    return false;
  }
}

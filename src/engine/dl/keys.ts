// The image keys the library subsystem reads: the libraries linked at create and the restrictions
// checked before anything is mapped (config.ts adds them to the image key table).

import type { CfgValue, KeySpec } from '../image.js';
import { parseNeed } from './version.js';

export const DL_IMAGE_KEYS: Record<string, KeySpec> = {
  libraries: {
    type: 'list',
    summary: 'libraries linked at create: ["libm@1.16"] (name@version, or a name for the newest allowed)',
  },
  lib_signers: { type: 'list', summary: 'signers whose libraries this image trusts (default: every key in trust/)' },
  lib_versions: {
    type: 'list',
    check: versionListProblem,
    summary: 'allowed versions per library: ["libm >=1.16 <2"]',
  },
  lib_loader: {
    type: 'string',
    oneOf: ['self', 'app', 'any'],
    summary: 'who may ask for a link: the pVM itself, pVMs of this image, or any (default "app")',
  },
  app_library: { type: 'string', summary: 'the application built as a library, for create --recycle: "app-web@1.0"' },
  static_libraries: {
    type: 'list',
    summary: 'libraries linked into the image at build time (create --static sets it): loaded and relocated at boot',
  },
};

/** Why a lib_versions list is wrong, or null: checked when the file is read, so the error has its line. */
function versionListProblem(v: CfgValue): string | null {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return 'must list strings like "libm >=1.16 <2"';
  for (const text of v as string[]) {
    try {
      parseNeed(text, 'lib_versions');
    } catch (e) {
      return (e as Error).message.replace(/^lib_versions: /, 'is wrong: ');
    }
  }
  return null;
}

// MiniOS, the paper's baseline: libraries linked into the image at build time (`create --static`). The
// image carries its libraries' text and data as its own (memory holds a copy per pVM: nothing is shared
// with other appliances), and its boot pays for them: the domain builder loads their pages from the
// image, and the boot links them, relocating every symbol (KylinX §4.1: MiniOS boots in about 133 ms
// against KylinX's 124 ms because it "links its libraries at boot"; KylinX maps shared text and binds
// lazily on first use). The libraries chosen are the ones the dynamic image would link (same
// restrictions, same dependency tree), so the two images run the same code.

import type { CostModel } from '../cost-model.js';
import type { ImageConfig } from '../image.js';
import { imageRequests, planLink } from './linker.js';
import type { Manifest } from './manifest.js';
import { restrictionsOf } from './restrictions.js';
import type { DlSubsystem } from './subsystem.js';

/** The image key naming the libraries a static image holds ("libm@1.16"); set by staticImage. */
export const STATIC_LIBRARIES = 'static_libraries';

/** The image with the libraries it links (and their dependencies) folded into its text and data. */
export function staticImage(dl: DlSubsystem, image: ImageConfig): ImageConfig {
  restrictionsOf(image);
  const plan = planLink(dl, { image, d: null, linked: [] }, imageRequests(image), null);
  const libs = plan.steps.map((s) => s.entry.manifest);
  const text = libs.reduce((t, m) => t + m.text_kb, 0);
  const data = libs.reduce((t, m) => t + m.data_kb, 0);
  return {
    ...image,
    text_kb: image.text_kb + text,
    data_kb: image.data_kb + data,
    memory: image.memory + Math.ceil((text + data) / 1024),
    raw: {
      ...image.raw,
      libraries: [],
      [STATIC_LIBRARIES]: libs.map((m) => `${m.name}@${m.version}`),
    },
  };
}

/** The manifests a static image holds. */
export function staticLibraries(dl: DlSubsystem, image: ImageConfig): Manifest[] {
  const v = image.raw[STATIC_LIBRARIES];
  if (!Array.isArray(v)) return [];
  return (v as string[]).map((ref) => {
    const [name, version] = ref.split('@');
    return dl.store.get(name!, version!).manifest;
  });
}

/** What booting a static image adds: its libraries' pages loaded from the image, every symbol relocated. */
export function staticBootCost(c: CostModel, libs: Manifest[]): number {
  let t = 0;
  for (const m of libs)
    t +=
      c.us('lib_load_page', (m.text_kb + m.data_kb) / 4) +
      c.us('static_reloc', m.functions.length + m.variables.length);
  return t;
}

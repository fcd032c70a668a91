// bench memory: the paper's Fig. 6 — host memory for 1000 Redis appliances when libraries are mapped
// once and shared (KylinX) against linked statically into every appliance (MiniOS). Both are measured
// by creating the appliances on a fresh engine and reading the frames in use.
//
// Not calibrated: our redis image is 8 MiB (images/redis.cfg: memory = 8) where the paper's appliances took
// about 6 MB each, so the absolute figures are larger than the paper's; the static/shared ratio is the
// mechanism the figure shows, and it follows from the size of the shared library text.

import type { ImageConfig } from '../../engine/image.js';
import { create } from '../../engine/lifecycle.js';
import { PAGE_KIB } from '../../engine/mm/frames.js';
import { engineFor, imageOf } from './env.js';
import { BenchEnv, BenchFigure, BenchRow, row } from './types.js';

/** Fig. 6, read off the paper: GB of host memory for 1000 redis appliances. */
export const FIG6_PAPER_GB = { kylinx: 6.0, minios: 6.9, docker: 6.5 };
const PAPER_GB = FIG6_PAPER_GB;

/** The image with every library it links folded into its own text and data, as a static link would. */
function staticVariant(env: BenchEnv, img: ImageConfig): ImageConfig {
  let text = img.text_kb;
  let data = img.data_kb;
  const seen = new Set<string>();
  const visit = (spec: string): void => {
    if (seen.has(spec)) return;
    seen.add(spec);
    const [name, version] = spec.split('@');
    const m = env.libs.get(name!, version!).manifest;
    text += m.text_kb;
    data += m.data_kb;
    for (const dep of m.needs) visit(dep);
  };
  for (const spec of (img.raw.libraries as string[] | undefined) ?? []) visit(spec);
  const raw = { ...img.raw, libraries: [] };
  return {
    ...img,
    text_kb: text,
    data_kb: data,
    memory: img.memory + Math.ceil((text - img.text_kb + data - img.data_kb) / 1024),
    raw,
  };
}

/** GB of host frames used by n appliances of an image, each created on one fresh host. */
function hostGB(env: BenchEnv, img: ImageConfig, n: number): number {
  const hv = engineFor(env, { max_domains: n + 10, memory: Math.max(65536, 1024 + n * 2 * img.memory) });
  for (let i = 0; i < n; i++) create(hv, img);
  return (hv.frames.used * PAGE_KIB) / 1e6;
}

export const FIG6: BenchFigure = {
  name: 'fig6',
  summary: 'host memory for n (default 1000) redis appliances with shared vs static libraries (KylinX Fig. 6)',
  count: { what: 'redis appliances', min: 1, max: 20_000 },
  run(env, p) {
    const n = p.n ?? 1000;
    const paper = n === 1000 ? PAPER_GB : null;
    const redis = imageOf(env, 'redis');
    const sharedGB = hostGB(env, redis, n);
    const staticGB = hostGB(env, staticVariant(env, redis), n);
    const shared = row(env, {
      id: 'fig6.shared',
      figure: 'fig6',
      case: `${n} redis pVMs, libraries shared (KylinX)`,
      unit: 'GB',
      paper: paper?.kylinx ?? null,
      model: sharedGB,
    });
    const stat = row(env, {
      id: 'fig6.static',
      figure: 'fig6',
      case: `${n} redis pVMs, libraries static (MiniOS)`,
      unit: 'GB',
      paper: paper?.minios ?? null,
      model: staticGB,
    });
    const rows: BenchRow[] = [
      shared,
      stat,
      row(env, {
        id: 'fig6.ratio',
        figure: 'fig6',
        case: 'static / shared',
        unit: 'x',
        paper: paper ? paper.minios / paper.kylinx : null,
        model: staticGB / sharedGB,
        basis: [shared, stat],
      }),
    ];
    if (paper)
      rows.push(
        row(env, {
          id: 'fig6.docker',
          figure: 'fig6',
          case: `${n} Docker containers (paper only)`,
          unit: 'GB',
          paper: paper.docker,
          model: null,
        }),
      );
    return rows;
  },
};

// bench memory: the paper's Fig. 6 — host memory for 1000 Redis appliances when libraries are mapped
// once and shared (KylinX) against linked statically into every appliance (MiniOS). Both are measured
// by creating the appliances on a fresh engine and reading the frames in use.
//
// Not calibrated: our redis image is 8 MiB (images/redis.cfg: memory = 8) where the paper's appliances took
// about 6 MB each, so the absolute figures are larger than the paper's; the static/shared ratio is the
// mechanism the figure shows, and it follows from the size of the shared library text.

import { fail } from '../../engine/errors.js';
import type { ImageConfig } from '../../engine/image.js';
import { create } from '../../engine/lifecycle.js';
import { PAGE_KIB } from '../../engine/mm/frames.js';
import type { Ctx } from '../types.js';
import { BenchPart, BenchRow, freshEngine, row } from './types.js';

const N = 1000;
export const FIG6_PAPER_GB = { kylinx: 6.0, minios: 6.9, docker: 6.5 };

/** The image with every library it links folded into its own text and data, as a static link would. */
export function staticVariant(ctx: Ctx, img: ImageConfig): ImageConfig {
  const store = ctx.hv.dl.store;
  let text = img.text_kb;
  let data = img.data_kb;
  const seen = new Set<string>();
  const visit = (spec: string): void => {
    if (seen.has(spec)) return;
    seen.add(spec);
    const [name, version] = spec.split('@');
    const m = store.get(name!, version!).manifest;
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
export function hostGB(ctx: Ctx, img: ImageConfig, n: number): number {
  const hv = freshEngine(ctx, { max_domains: n + 10, memory: 65536 });
  for (let i = 0; i < n; i++) create(hv, img);
  return (hv.frames.used * PAGE_KIB) / 1e6;
}

export const BENCH_MEMORY: BenchPart = {
  name: 'memory',
  summary: 'host memory for 1000 redis appliances with shared vs static libraries (KylinX Fig. 6)',
  run(ctx) {
    const redis = ctx.images.get('redis') ?? fail('ENOENT', "bench memory needs the image 'redis'");
    const shared = hostGB(ctx, redis, N);
    const stat = hostGB(ctx, staticVariant(ctx, redis), N);
    const rows: BenchRow[] = [
      row({
        figure: 'fig6',
        case: `${N} redis pVMs, libraries shared (KylinX)`,
        unit: 'GB',
        paper: FIG6_PAPER_GB.kylinx,
        model: shared,
      }),
      row({
        figure: 'fig6',
        case: `${N} redis pVMs, libraries static (MiniOS)`,
        unit: 'GB',
        paper: FIG6_PAPER_GB.minios,
        model: stat,
      }),
      row({
        figure: 'fig6',
        case: 'static / shared',
        unit: 'x',
        paper: FIG6_PAPER_GB.minios / FIG6_PAPER_GB.kylinx,
        model: stat / shared,
      }),
      row({
        figure: 'fig6',
        case: `${N} Docker containers (paper only)`,
        unit: 'GB',
        paper: FIG6_PAPER_GB.docker,
        model: null,
      }),
    ];
    return rows;
  },
};

// bench fork and bench boot: the paper's fork latency (§3.2.1) and boot times (§4.1, Fig. 5), measured
// by running the same operations on fresh engines and summing their modeled latencies.

import { pagesOf } from '../../engine/domain.js';
import { fail } from '../../engine/errors.js';
import { create, fork } from '../../engine/lifecycle.js';
import type { Ctx } from '../types.js';
import { BenchPart, BenchRow, freshEngine, row } from './types.js';
import { recycledBootRows } from './update.js';

function image(ctx: Ctx, name: string) {
  const img = ctx.images.get(name);
  if (!img) fail('ENOENT', `bench needs the image '${name}', which is not in the images directory`);
  return img;
}

export const BENCH_FORK: BenchPart = {
  name: 'fork',
  summary: 'fork latency of the redis appliance (KylinX §3.2.1), noxs and with a pool of shells',
  run(ctx) {
    const rows: BenchRow[] = [];
    const hv = freshEngine(ctx);
    const redis = create(hv, image(ctx, 'redis')).domain;
    rows.push(
      row({
        figure: 'fork',
        case: `redis (${redis.memMiB} MiB, ${pagesOf(redis)} pages with libraries), noxs`,
        unit: 'ms',
        paper: 1.3,
        model: fork(hv, redis, 1).latencyUs / 1000,
      }),
    );
    hv.pool = 1;
    rows.push(
      row({
        figure: 'fork',
        case: 'redis, shell from the pool',
        unit: 'ms',
        paper: null,
        model: fork(hv, redis, 1).latencyUs / 1000,
      }),
    );
    const web = create(hv, image(ctx, 'web')).domain;
    rows.push(
      row({
        figure: 'fork',
        case: `web (${web.memMiB} MiB, ${pagesOf(web)} pages with libraries), noxs`,
        unit: 'ms',
        paper: null,
        model: fork(hv, web, 1).latencyUs / 1000,
      }),
    );
    return rows;
  },
};

/** Fig. 5 read off the paper's plot: total seconds to boot n appliances one after another. */
export const FIG5_PAPER: Record<'KylinX' | 'MiniOS' | 'Docker', [n: number, s: number][]> = {
  KylinX: [
    [100, 13],
    [500, 115],
    [1000, 392],
  ],
  MiniOS: [
    [100, 13],
    [500, 127],
    [1000, 447],
  ],
  Docker: [
    [100, 20],
    [500, 110],
    [1000, 235],
  ],
};

/** Total modeled time to boot n appliances one after another on a fresh host. */
export function sequentialBoot(ctx: Ctx, toolstack: 'xs' | 'noxs', n: number, imageName: string): number {
  const hv = freshEngine(ctx, { toolstack, max_domains: Math.max(n, 32751) });
  const img = image(ctx, imageName);
  let total = 0;
  for (let i = 0; i < n; i++) total += create(hv, img).latencyUs;
  return total;
}

export const BENCH_BOOT: BenchPart = {
  name: 'boot',
  summary: 'boot of one pVM (xs and noxs, KylinX §4.1) and sequential boots of 100/500/1000 (Fig. 5)',
  run(ctx) {
    const rows: BenchRow[] = [
      row({
        figure: 'boot',
        case: 'one pVM, toolstack xs',
        unit: 'ms',
        paper: 124,
        model: sequentialBoot(ctx, 'xs', 1, 'daytime') / 1000,
      }),
      row({
        figure: 'boot',
        case: 'one pVM, toolstack noxs',
        unit: 'ms',
        paper: null,
        model: sequentialBoot(ctx, 'noxs', 1, 'daytime') / 1000,
      }),
    ];
    for (const [n, paper] of FIG5_PAPER.KylinX)
      rows.push(
        row({
          figure: 'fig5',
          case: `${n} pVMs booted in sequence, xs`,
          unit: 's',
          paper: paper,
          model: sequentialBoot(ctx, 'xs', n, 'daytime') / 1e6,
        }),
      );
    rows.push(
      row({
        figure: 'fig5',
        case: '1000 pVMs booted in sequence, noxs',
        unit: 's',
        paper: null,
        model: sequentialBoot(ctx, 'noxs', 1000, 'daytime') / 1e6,
      }),
    );
    rows.push(...recycledBootRows(ctx));
    return rows;
  },
};

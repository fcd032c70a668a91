// bench update: the paper's Fig. 7 (online update of libm 1.16 -> 1.18, 111 functions and 111
// variables, all functions resolved eagerly) run on a fresh engine with the shipped libraries; and the
// recycled-boot rows `bench boot` adds beside the standard boots (KylinX §3.3.3).

import { fail } from '../../engine/errors.js';
import { create } from '../../engine/lifecycle.js';
import { recycle } from '../../engine/dl/recycle.js';
import { update } from '../../engine/dl/update.js';
import type { Engine } from '../../engine/index.js';
import type { ImageConfig } from '../../engine/image.js';
import type { Ctx } from '../types.js';
import { BenchPart, BenchRow, freshEngine, row } from './types.js';

/** Fig. 7, read off the paper (µs per stage). */
const FIG7 = [280, 1000, 2800, 1150];

function image(ctx: Ctx, name: string): ImageConfig {
  const img = ctx.images.get(name);
  if (!img) fail('ENOENT', `bench needs the image '${name}', which is not in the images directory`);
  return img;
}

/** A fresh host with the session's library store and nothing booted. */
function freshHost(ctx: Ctx, toolstack: 'noxs' | 'xs' = 'noxs'): Engine {
  return freshEngine(ctx, { toolstack });
}

export const BENCH_UPDATE: BenchPart = {
  name: 'update',
  summary: 'online update of libm 1.16 -> 1.18 in web, eager (Fig. 7), lazily, and for ten redis',
  run(ctx) {
    const hv = freshHost(ctx);
    const web = create(hv, image(ctx, 'web')).domain;
    const [eager] = update(hv, hv.dl, [web], { lib: 'libm', version: '1.18', eager: true });
    const rows: BenchRow[] = eager!.stages.map((s, i) =>
      row({ figure: 'fig7', case: `stage ${s.stage}: ${s.name}`, unit: 'us', paper: FIG7[i]!, model: s.us }),
    );
    rows.push(row({ figure: 'fig7', case: 'total (eager)', unit: 'ms', paper: 5, model: eager!.totalUs / 1000 }));
    const hv2 = freshHost(ctx);
    const web2 = create(hv2, image(ctx, 'web')).domain;
    const [lazy] = update(hv2, hv2.dl, [web2], { lib: 'libm', version: '1.18', eager: false });
    rows.push(
      row({
        figure: 'fig7',
        case: 'total (lazy: functions bind on first call)',
        unit: 'ms',
        paper: null,
        model: lazy!.totalUs / 1000,
      }),
    );
    const hv3 = freshHost(ctx);
    for (let i = 0; i < 10; i++) create(hv3, image(ctx, 'redis'));
    const all = update(hv3, hv3.dl, 'all', { lib: 'libm', version: '1.18', eager: true });
    rows.push(
      row({
        figure: 'fig7',
        case: 'ten redis, eager, one load of 1.18',
        unit: 'ms',
        paper: null,
        model: all.reduce((t, u) => t + u.totalUs, 0) / 1000,
      }),
    );
    return rows;
  },
};

/** Boot of `name` standard and recycled (the second recycled boot shares the application's text). */
export function recycledBootRows(ctx: Ctx): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const toolstack of ['noxs', 'xs'] as const) {
    const std = create(freshHost(ctx, toolstack), image(ctx, 'web')).latencyUs;
    const hv = freshHost(ctx, toolstack);
    const first = recycle(hv, hv.dl, image(ctx, 'web'), image(ctx, 'empty')).latencyUs;
    const second = recycle(hv, hv.dl, image(ctx, 'web'), image(ctx, 'empty')).latencyUs;
    rows.push(
      row({
        figure: 'recycle',
        case: `web, standard boot, ${toolstack}`,
        unit: 'ms',
        paper: toolstack === 'xs' ? 124 : null,
        model: std / 1000,
      }),
    );
    rows.push(
      row({
        figure: 'recycle',
        case: `web, recycled boot, ${toolstack}`,
        unit: 'ms',
        paper: null,
        model: first / 1000,
      }),
    );
    rows.push(
      row({
        figure: 'recycle',
        case: `web, recycled boot, app text already loaded, ${toolstack}`,
        unit: 'ms',
        paper: null,
        model: second / 1000,
      }),
    );
  }
  return rows;
}

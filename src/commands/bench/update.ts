// bench update: the paper's Fig. 7 (online update of libm 1.16 -> 1.18, 111 functions and 111
// variables, all functions resolved eagerly) run on a fresh engine with the shipped libraries; and the
// recycled-boot rows `bench boot` adds beside the standard boots (KylinX §3.3.3).

import type { CostExplanation } from '../../engine/cost-model.js';
import type { Primitive } from '../../engine/cost.js';
import { create } from '../../engine/lifecycle.js';
import { recycle } from '../../engine/dl/recycle.js';
import { update } from '../../engine/dl/update.js';
import { engineFor, imageOf, measured } from './env.js';
import { BenchFigure, BenchRow, row } from './types.js';

/** Fig. 7, read off the paper (µs per stage). */
const FIG7 = [280, 1000, 2800, 1150];

/** The primitives of each stage (dl/update.ts applyOne): no primitive is charged in two stages. */
const STAGE_PRIMITIVES: Primitive[][] = [
  ['lib_link', 'page_share', 'page_populate', 'lib_map', 'lib_load_page'],
  ['pause', 'got_reset'],
  ['symbol_resolve'],
  ['var_copy', 'page_free', 'unpause'],
];

/** The part of an explanation made of some primitives. */
function part(whole: CostExplanation, names: Primitive[]): CostExplanation {
  const terms = whole.terms.filter((t) => names.includes(t.name));
  return { terms, total_us: Math.round(terms.reduce((s, t) => s + t.us, 0) * 10) / 10 };
}

export const FIG7_FIGURE: BenchFigure = {
  name: 'fig7',
  summary: 'online update of libm 1.16 -> 1.18 in web, eager (Fig. 7), lazily, and for ten redis',
  run(env) {
    const hv = engineFor(env, { toolstack: 'noxs' });
    const web = create(hv, imageOf(env, 'web')).domain;
    hv.cost.begin();
    const [eager] = update(hv, hv.dl, [web], { lib: 'libm', version: '1.18', eager: true });
    const whole = hv.cost.take();
    // Each stage's explanation: the stage's own terms out of the whole update's.
    const stages: BenchRow[] = eager!.stages.map((s, i) =>
      row(env, {
        id: `fig7.stage${s.stage}`,
        figure: 'fig7',
        case: `stage ${s.stage}: ${s.name}`,
        unit: 'us',
        paper: FIG7[i]!,
        model: s.us,
        cost: part(whole, STAGE_PRIMITIVES[i]!),
      }),
    );
    const rows: BenchRow[] = [...stages];
    rows.push(
      row(env, {
        id: 'fig7.total',
        figure: 'fig7',
        case: 'total (eager)',
        unit: 'ms',
        paper: 5,
        model: eager!.totalUs / 1000,
        cost: whole,
        basis: stages,
      }),
    );
    const hv2 = engineFor(env, { toolstack: 'noxs' });
    const web2 = create(hv2, imageOf(env, 'web')).domain;
    const lazy = measured(
      hv2,
      () => update(hv2, hv2.dl, [web2], { lib: 'libm', version: '1.18', eager: false })[0]!.totalUs,
    );
    rows.push(
      row(env, {
        id: 'fig7.lazy',
        figure: 'fig7',
        case: 'total (lazy: functions bind on first call)',
        unit: 'ms',
        paper: null,
        model: lazy.us / 1000,
        cost: lazy.cost,
      }),
    );
    const hv3 = engineFor(env, { toolstack: 'noxs' });
    for (let i = 0; i < 10; i++) create(hv3, imageOf(env, 'redis'));
    const all = measured(hv3, () =>
      update(hv3, hv3.dl, 'all', { lib: 'libm', version: '1.18', eager: true }).reduce((t, u) => t + u.totalUs, 0),
    );
    rows.push(
      row(env, {
        id: 'fig7.ten-redis',
        figure: 'fig7',
        case: 'ten redis, eager, one load of 1.18',
        unit: 'ms',
        paper: null,
        model: all.us / 1000,
        cost: all.cost,
      }),
    );
    return rows;
  },
};

export const RECYCLE: BenchFigure = {
  name: 'recycle',
  summary: 'boot of web standard and recycled (the second recycled boot shares the application text), noxs and xs',
  run(env) {
    const rows: BenchRow[] = [];
    for (const toolstack of ['noxs', 'xs'] as const) {
      const h1 = engineFor(env, { toolstack });
      const std = measured(h1, () => create(h1, imageOf(env, 'web')).latencyUs);
      const hv = engineFor(env, { toolstack });
      const web = imageOf(env, 'web');
      const empty = imageOf(env, 'empty');
      const first = measured(hv, () => recycle(hv, hv.dl, web, empty).latencyUs);
      const second = measured(hv, () => recycle(hv, hv.dl, web, empty).latencyUs);
      rows.push(
        row(env, {
          id: `recycle.${toolstack}.standard`,
          figure: 'recycle',
          case: `web, standard boot, ${toolstack}`,
          unit: 'ms',
          paper: toolstack === 'xs' ? 124 : null,
          model: std.us / 1000,
          cost: std.cost,
        }),
        row(env, {
          id: `recycle.${toolstack}.recycled`,
          figure: 'recycle',
          case: `web, recycled boot, ${toolstack}`,
          unit: 'ms',
          paper: null,
          model: first.us / 1000,
          cost: first.cost,
        }),
        row(env, {
          id: `recycle.${toolstack}.warm`,
          figure: 'recycle',
          case: `web, recycled boot, app text already loaded, ${toolstack}`,
          unit: 'ms',
          paper: null,
          model: second.us / 1000,
          cost: second.cost,
        }),
      );
    }
    return rows;
  },
};

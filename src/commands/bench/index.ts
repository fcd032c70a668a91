// `bench`: the KylinX paper's micro-benchmarks run inside the model, model beside paper.
//
// The API (for bench, sweeps, tests):
//   const env = benchEnv(ctx, { host: { pcpus: 2 }, image: { memory: 16 }, costs: { xs_op: 150 } });
//   const rows = runFigure(env, 'fig5', { n: 300 });   // BenchRow[]: id, figure, case, unit, paper,
//                                                      // model, ratio, kind, calibrated_by, overridden, cost
// A figure is a function of the environment (host keys, image keys, cost overrides: env.ts; the session's
// cost overrides are in it already) and of its own parameters (`n` where the figure has a count: fig5
// counts pVMs booted in sequence, fig6 appliances; BENCH_FIGURES[i].count says what and the range). It
// runs on fresh engines and is deterministic. Each row says what it is: `kind` is calibrated (a constant
// of cost.ts was fitted to it: `calibrated_by`), predicted, derived or paper only (types.ts), and
// `overridden` names the overridden constants it used. BENCH_PARTS groups figures for `bench <part>`.

import { fail } from '../../engine/errors.js';
import { APPS_FIGURE } from './apps.js';
import { suggest } from '../../engine/suggest.js';
import { TABLE3 } from './ipc.js';
import { BOOT, FIG5_FIGURE, FORK } from './lifecycle.js';
import { FIG6 } from './memory.js';
import type { BenchEnv, BenchFigure, BenchPart, BenchRow, FigureParams } from './types.js';
import { FIG7_FIGURE, RECYCLE } from './update.js';

export { benchEnv, type BenchParams } from './env.js';
export type { BenchEnv, BenchFigure, BenchPart, BenchRow, FigureParams, RowKind } from './types.js';

/** Every figure, in the order `bench all` prints them. */
export const BENCH_FIGURES: BenchFigure[] = [BOOT, FIG5_FIGURE, RECYCLE, FORK, TABLE3, FIG6, FIG7_FIGURE, APPS_FIGURE];

/** `bench <part>`: the paper's sections, each a few figures. */
export const BENCH_PARTS: BenchPart[] = [
  {
    name: 'boot',
    summary: 'boot of one pVM (xs, noxs), Fig. 5 and recycled boots',
    figures: ['boot', 'fig5', 'recycle'],
  },
  { name: 'fork', summary: FORK.summary, figures: ['fork'] },
  { name: 'ipc', summary: TABLE3.summary, figures: ['table3'] },
  { name: 'memory', summary: FIG6.summary, figures: ['fig6'] },
  { name: 'update', summary: FIG7_FIGURE.summary, figures: ['fig7'] },
  { name: 'apps', summary: APPS_FIGURE.summary, figures: ['apps'] },
];

export function figureNamed(name: string): BenchFigure {
  const f = BENCH_FIGURES.find((x) => x.name === name);
  if (f) return f;
  const near = suggest(
    name,
    BENCH_FIGURES.map((x) => x.name),
  );
  fail('ENOENT', `no bench figure '${name}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

/** One figure's rows; `n` only for a figure with a count, within its range. */
export function runFigure(env: BenchEnv, name: string, p: FigureParams = {}): BenchRow[] {
  const f = figureNamed(name);
  if (p.n !== undefined) {
    if (!f.count) fail('EINVAL', `bench ${f.name} takes no count`);
    if (!Number.isInteger(p.n) || p.n < f.count.min || p.n > f.count.max)
      fail('EINVAL', `the number of ${f.count.what} must be a whole number ${f.count.min}-${f.count.max}, not ${p.n}`);
  }
  return f.run(env, p);
}

/** The figures of a part, or the figure itself, or every figure (`all`). */
export function figuresOf(part: string): string[] {
  if (part === 'all') return BENCH_FIGURES.map((f) => f.name);
  const p = BENCH_PARTS.find((x) => x.name === part);
  return p ? p.figures : [figureNamed(part).name];
}

// The bench command: model vs paper, deterministic (it runs on fresh engines, not the session's), each
// row saying whether the model reproduces it (calibrated), predicts it, derives it or has none.

import { BENCH_FIGURES, BENCH_PARTS, benchEnv, figuresOf, runFigure } from './bench/index.js';
import { type BenchRow, kindText } from './bench/types.js';
import { table } from './format.js';
import { one, option } from './args.js';
import { choice, int } from './kinds.js';
import { command } from './types.js';
import { fail } from '../engine/errors.js';

const NAMES = [...BENCH_PARTS.map((p) => p.name), ...BENCH_FIGURES.map((f) => f.name), 'all'];
const PARTS = choice([...new Set(NAMES)]);

export function benchTable(rows: BenchRow[]): string {
  const cells: (string | number)[][] = [['figure', 'case', 'unit', 'paper', 'model', 'ratio', 'kind']];
  for (const r of rows)
    cells.push([
      r.figure,
      r.case,
      r.unit,
      r.paper === null ? '-' : r.paper,
      r.model === null ? '-' : r.model,
      r.ratio === null ? '-' : r.ratio.toFixed(2),
      kindText(r),
    ]);
  return table(cells);
}

export const bench = command({
  name: 'bench',
  family: 'session',
  summary: "Reproduce the KylinX paper's micro-benchmarks in the model: paper and model side by side, each row's kind",
  usage: `<${BENCH_PARTS.map((p) => p.name).join('|')}|all|figure> [--n N]`,
  args: { part: one(PARTS) },
  options: {
    n: option(int(1, 20_000, 'n'), 'the count of a figure that has one (fig5: pVMs booted, fig6: appliances)'),
  },
  help: [
    ...BENCH_PARTS.map((p) => `${p.name}: ${p.summary}`),
    `figures: ${BENCH_FIGURES.map((f) => f.name).join(', ')}`,
    'kind: calibrated (a constant of cost.ts was fitted to the cell: costs lists them), predicted (the paper has a value no constant was fitted to), derived (no paper value), paper only (not modeled).',
  ].join('\n'),
  run(ctx, a, o) {
    const env = benchEnv(ctx);
    const figures = figuresOf(a.part);
    if (o.n !== undefined && figures.length !== 1) fail('EUSAGE', `--n needs one figure (fig5, fig6), not ${a.part}`);
    const rows = figures.flatMap((f) => runFigure(env, f, o.n === undefined ? {} : { n: o.n }));
    return { text: benchTable(rows), data: { rows } };
  },
});

// The bench command's handler (bench.ts holds its spec): the paper's figures run on fresh engines, as
// a table, bars or a plot, and `bench sweep`. A lazy handler (handlers.ts): a command line that does not
// run bench does not load the figures.

import { benchEnv, figuresOf, runFigure } from './bench/index.js';
import { benchCharts } from './bench/charts.js';
import { checkPlot, sweep, writePlot } from './bench/sweep.js';
import { type BenchRow, kindText } from './bench/types.js';
import { barChartText } from './chart.js';
import { explainText } from './explain.js';
import { ubuntuRows } from './bench/linux.js';
import { fail } from '../engine/errors.js';
import { table } from './format.js';
import type { Ctx, Result } from './types.js';

/** bench's arguments and options, as its spec parses them (bench.ts). */
export interface BenchArgs {
  part: string;
  rest: string[];
}

export interface BenchOptions {
  n: number | undefined;
  csv: string | undefined;
  jobs: number | undefined;
  chart: boolean;
  plot: string | undefined;
  read: string | undefined;
  baseline: string | undefined;
}

export function benchTable(rows: readonly BenchRow[]): string {
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

/** The rows of a part, or of a baseline's exchanges alone (`--baseline linux`: Table 3's Ubuntu row). */
function partRows(ctx: Ctx, part: string, o: { n?: number; baseline?: string }): BenchRow[] {
  const env = benchEnv(ctx);
  const figures = figuresOf(part);
  if (o.n !== undefined && figures.length !== 1) fail('EUSAGE', `--n needs one figure (fig5, fig6), not ${part}`);
  if (o.baseline === undefined) return figures.flatMap((f) => runFigure(env, f, o.n === undefined ? {} : { n: o.n }));
  if (figures.join() !== 'table3')
    fail('EUSAGE', `--baseline linux is for bench ipc or bench table3 (Table 3's Ubuntu row), not ${part}`);
  if (o.n !== undefined) fail('EINVAL', 'bench table3 takes no count');
  return ubuntuRows(env);
}

/** `bench <part|figure|all>`: the rows, with bars as text (--chart) or drawn to a file (--plot). */
function benchPart(
  ctx: Ctx,
  part: string,
  o: { n?: number; chart: boolean; plot?: string; baseline?: string },
): Result {
  checkPlot(ctx, o.plot);
  const rows = partRows(ctx, part, o);
  const text = [benchTable(rows)];
  // A baseline's rows are shown with the primitives each sums (in --json: each row's cost).
  if (o.baseline !== undefined) for (const r of rows) if (r.cost) text.push('', `${r.case}:`, explainText(r.cost));
  const charts = benchCharts(rows);
  if (o.chart) for (const c of charts) text.push('', barChartText(c));
  if (o.plot === undefined) return { text: text.join('\n'), data: { rows } };
  const bytes = writePlot(ctx, charts, o.plot);
  text.push(`drew ${charts.length} charts to ${o.plot} (${bytes} bytes)`);
  return { text: text.join('\n'), data: { rows, plot: { file: o.plot, bytes } } };
}

/** `bench ...`: a part or figure's rows, or a sweep. */
export function runBench(ctx: Ctx, a: BenchArgs, o: BenchOptions) {
  if (a.part === 'sweep') {
    if (o.n !== undefined) fail('EUSAGE', '--n is not for bench sweep (sweep the count: n=A..B)');
    if (o.baseline !== undefined) fail('EUSAGE', '--baseline is not for bench sweep (it is for bench ipc or table3)');
    return sweep(ctx, a.rest, { chart: o.chart, csv: o.csv, jobs: o.jobs, plot: o.plot, read: o.read });
  }
  if (a.rest.length > 0) fail('EUSAGE', `unexpected argument '${a.rest[0]}' (only bench sweep takes more words)`);
  for (const k of ['csv', 'jobs', 'read'] as const) if (o[k] !== undefined) fail('EUSAGE', `--${k} is for bench sweep`);
  return benchPart(ctx, a.part, { n: o.n, chart: o.chart, plot: o.plot, baseline: o.baseline });
}

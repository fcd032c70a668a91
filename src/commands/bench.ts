// The bench command: model vs paper, deterministic (it runs on fresh engines, not the session's), each
// row saying whether the model reproduces it (calibrated), predicts it, derives it or has none; and
// `bench sweep`, which runs a figure or a script over a range of parameters (bench/sweep.ts).

import { BENCH_FIGURES, BENCH_PARTS, benchEnv, figuresOf, runFigure } from './bench/index.js';
import { benchCharts } from './bench/charts.js';
import { checkPlot, sweep, writePlot } from './bench/sweep.js';
import { FIGURES } from './bench/sweep-targets.js';
import { type BenchRow, kindText } from './bench/types.js';
import { barChartText } from './chart.js';
import { explainText } from './explain.js';
import { ubuntuRows } from './bench/linux.js';
import { fail } from '../engine/errors.js';
import { table } from './format.js';
import { flag, many, one, option } from './args.js';
import { choice, file, int, word } from './kinds.js';
import { command, type Ctx, type Result } from './types.js';

const NAMES = [...BENCH_PARTS.map((p) => p.name), ...BENCH_FIGURES.map((f) => f.name), 'all', 'sweep'];
const PARTS = choice([...new Set(NAMES)]);

const SWEEP_HELP = `sweep <figure|script> PARAM=A..B[:STEP]...: run a figure (${FIGURES.map((f) => f.name).join(', ')}) or a script
  at every combination of the parameters' values, each point on a fresh engine, on every core:
    n=100..2000:100       a count of the figure (fig5: pVMs booted; fig6: redis appliances),
                          or a variable of the script ($n or \${n} in its text)
    host.KEY=A..B         a key of the host file (host.pcpus=1..6, host.toolstack=xs,noxs)
    image.NAME.KEY=A..B   a key of an image (image.daytime.memory=4..32:4)
    cost.NAME=A..B        a constant of the cost model (costs lists them), as 'cost NAME=VALUE' sets it
  --csv FILE writes every point (one line per point and series); --chart draws it as text;
  --plot FILE.svg|.png|.json draws it (.json: the Vega-Lite spec); --jobs N runs N points at a time (default: every core);
  --read PATH,... adds the numbers at those paths of a script's commands' JSON data.
  Example: bench sweep fig5 n=100..2000:100 --csv f5.csv --plot f5.svg`;

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

export const bench = command({
  name: 'bench',
  family: 'session',
  summary:
    "Reproduce the KylinX paper's micro-benchmarks in the model: paper and model side by side, each row's kind; or sweep them",
  usage: `<${BENCH_PARTS.map((p) => p.name).join('|')}|all|figure> [--n N] [--chart] [--plot FILE] [--baseline linux] | sweep <figure|script> PARAM=A..B[:STEP]... [--csv FILE] [--jobs N] [--chart] [--plot FILE] [--read PATH,...]`,
  args: { part: one(PARTS), rest: many(word, { optional: true, label: 'figure|script PARAM=A..B[:STEP]' }) },
  options: {
    n: option(int(1, 20_000, 'n'), 'the count of a figure that has one (fig5: pVMs booted, fig6: appliances)'),
    csv: option(file, 'sweep: write every point to FILE as CSV'),
    jobs: option(int(1, 256, '--jobs'), 'sweep: points run at a time (default: every core)'),
    chart: flag('draw the figures (a sweep: line charts; a part: bars) as text'),
    plot: option(
      file,
      'draw the figures to FILE.svg or FILE.png (Vega; PNG through resvg), or FILE.json: the Vega-Lite spec',
    ),
    read: option(word, "sweep of a script: numbers at these dotted paths of its commands' JSON data"),
    baseline: option(
      choice(['linux']),
      'ipc, table3: the exchanges of Table 3 run as Linux processes (the process cost model), each with its primitives',
    ),
  },
  help: [
    ...BENCH_PARTS.map((p) => `${p.name}: ${p.summary}`),
    `figures: ${BENCH_FIGURES.map((f) => f.name).join(', ')}`,
    'all: every figure',
    "--baseline linux (ipc, table3): Table 3's exchanges as Linux processes, priced by the process cost model (the linux_* constants: costs lists them), each row with its primitives.",
    'kind: calibrated (a constant of cost.ts was fitted to the cell: costs lists them), predicted (the paper has a value no constant was fitted to), derived (no paper value), paper only (not modeled).',
    SWEEP_HELP,
  ].join('\n'),
  run(ctx, a, o) {
    if (a.part === 'sweep') {
      if (o.n !== undefined) fail('EUSAGE', '--n is not for bench sweep (sweep the count: n=A..B)');
      if (o.baseline !== undefined) fail('EUSAGE', '--baseline is not for bench sweep (it is for bench ipc or table3)');
      return sweep(ctx, a.rest, { chart: o.chart, csv: o.csv, jobs: o.jobs, plot: o.plot, read: o.read });
    }
    if (a.rest.length > 0) fail('EUSAGE', `unexpected argument '${a.rest[0]}' (only bench sweep takes more words)`);
    for (const k of ['csv', 'jobs', 'read'] as const)
      if (o[k] !== undefined) fail('EUSAGE', `--${k} is for bench sweep`);
    return benchPart(ctx, a.part, { n: o.n, chart: o.chart, plot: o.plot, baseline: o.baseline });
  },
});

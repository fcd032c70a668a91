// `bench sweep <figure|script> PARAM=A..B[:STEP]...`: the model as an instrument. Each point of the
// sweep (sweep-params.ts) runs on a fresh engine of its own (sweep-point.ts); the host runs the points
// on worker threads, every core by default (src/sweep-pool.ts), and hands the results back in the
// points' order, so the table, the CSV and the JSON are the same whatever the number of workers. A
// host without workers (tests, a sandbox) runs the points here, one after another.
//
// The output is long ("tidy"): one line per point and series, the parameters first, then the series,
// its unit, the model's value, the paper's where it has one there, and their ratio. The CSV has the
// same columns and an error column; --chart draws the sweep as text, --plot as SVG or PNG.

import { fail } from '../../engine/errors.js';
import { type BarChart, type LineChart, lineChartText } from '../chart.js';
import { table } from '../format.js';
import { plotSpec } from '../plot-spec.js';
import type { Ctx, Result } from '../types.js';
import { sweepCharts } from './charts.js';
import { checkDistinct, parseParam, type ParamValue, pointsOf } from './sweep-params.js';
import {
  checkCosts,
  checkJob,
  type PointResult,
  pointName,
  runPoint,
  type SweepJob,
  targetOf,
  type TargetSpec,
} from './sweep-point.js';
import { isScriptName } from './sweep-targets.js';

export interface SweepOptions {
  csv?: string;
  jobs?: number;
  chart: boolean;
  plot?: string;
  read?: string;
}

/** A plot file's format by its extension; anything else is a usage error before any point runs. */
export function plotFormat(file: string): 'svg' | 'png' | 'json' {
  const m = /\.(svg|png|json)$/i.exec(file);
  if (!m) fail('EUSAGE', `--plot ${file}: name an .svg, a .png or a .json (the Vega-Lite spec) file`);
  return m[1]!.toLowerCase() === 'svg' ? 'svg' : m[1]!.toLowerCase() === 'png' ? 'png' : 'json';
}

/** --plot's file can be written here: the spec as JSON always, SVG and PNG where the host draws. */
export function checkPlot(ctx: Ctx, file: string | undefined): void {
  if (file === undefined) return;
  if (plotFormat(file) !== 'json' && !ctx.io.plot)
    fail('ENOSYS', `this shell cannot draw ${file} here; write --plot FILE.json (the Vega-Lite spec) or --csv FILE`);
}

/** Draw the charts to --plot's file (checkPlot first); returns the bytes written. */
export function writePlot(ctx: Ctx, charts: readonly (LineChart | BarChart)[], file: string): number {
  const spec = plotSpec(charts);
  if (plotFormat(file) !== 'json') return ctx.io.plot!(spec, file);
  const text = JSON.stringify(spec, null, 2) + '\n';
  ctx.io.writeAtomic(file, text);
  return new TextEncoder().encode(text).length;
}

/** The job of `bench sweep` from its words: the target, then the parameters. */
export function sweepJob(ctx: Ctx, words: readonly string[], read: string | undefined): SweepJob {
  const [name, ...paramWords] = words;
  if (name === undefined)
    fail('EUSAGE', 'sweep needs a figure or a script, then PARAM=A..B[:STEP] (e.g. sweep fig5 n=100..2000:100)');
  if (paramWords.length === 0)
    fail('EUSAGE', `sweep ${name} needs at least one PARAM=A..B[:STEP] or PARAM=a,b,c (e.g. n=100..2000:100)`);
  const params = paramWords.map((w) => parseParam(w, ctx.images));
  checkDistinct(params);
  const readPaths = read === undefined ? [] : read.split(',').filter((p) => p !== '');
  let target: TargetSpec;
  if (isScriptName(name)) target = { kind: 'script', name, text: ctx.io.readText(name), read: readPaths };
  else {
    if (read !== undefined)
      fail('EUSAGE', `--read reads a script's JSON data; ${name} is a figure (its rows are read already)`);
    target = { kind: 'figure', name: targetOf({ kind: 'figure', name }).name };
  }
  const job: SweepJob = {
    target,
    params,
    points: pointsOf(params),
    host: ctx.hv.host,
    images: new Map(ctx.images),
    libs: ctx.hv.dl.store.save(),
  };
  checkJob(job);
  checkCosts(job, (o) => ctx.sandbox(o));
  return job;
}

/** Every point's result, in the points' order: on the host's workers where it has them, else here. */
export function runSweep(ctx: Ctx, job: SweepJob, jobs: number | undefined): PointResult[] {
  if (ctx.io.runSweep && job.points.length > 1 && jobs !== 1) return ctx.io.runSweep(job, jobs);
  return job.points.map((_, i) => runPoint(job, i, (o) => ctx.sandbox(o)));
}

const ratioOf = (model: number | null, paper: number | null): number | null =>
  model === null || paper === null || paper === 0 ? null : Math.round((model / paper) * 1000) / 1000;

/** One line of the long table: the point's values, then a row, or the point's error. */
interface Line {
  values: ParamValue[];
  series: string;
  unit: string;
  model: number | null;
  paper: number | null;
  ratio: number | null;
  error: string;
}

function linesOf(job: SweepJob, results: readonly PointResult[]): Line[] {
  return results.flatMap((r, i) => {
    const values = job.points[i]!;
    if (!r.ok)
      return [
        {
          values,
          series: '',
          unit: '',
          model: null,
          paper: null,
          ratio: null,
          error: `${r.error.code}: ${r.error.message}`,
        },
      ];
    return r.rows.map((row) => ({ values, ...row, ratio: ratioOf(row.model, row.paper), error: '' }));
  });
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function sweepCsv(job: SweepJob, results: readonly PointResult[]): string {
  const head = [...job.params.map((p) => p.name), 'series', 'unit', 'model', 'paper', 'ratio', 'error'];
  const lines = [head.map(csvField).join(',')];
  for (const l of linesOf(job, results))
    lines.push([...l.values, l.series, l.unit, l.model, l.paper, l.ratio, l.error].map(csvField).join(','));
  return lines.join('\n') + '\n';
}

function sweepTable(job: SweepJob, results: readonly PointResult[]): string {
  const cells: (string | number)[][] = [
    [...job.params.map((p) => p.name), 'series', 'unit', 'model', 'paper', 'ratio'],
  ];
  for (const l of linesOf(job, results)) {
    if (l.error) continue;
    const dash = (v: number | null, f?: (x: number) => string): string | number => (v === null ? '-' : f ? f(v) : v);
    cells.push([...l.values, l.series, l.unit, dash(l.model), dash(l.paper), dash(l.ratio, (x) => x.toFixed(2))]);
  }
  return table(cells);
}

/** `bench sweep ...`: run the sweep, write what was asked, and give the table, the charts and the data. */
export function sweep(ctx: Ctx, words: readonly string[], o: SweepOptions): Result {
  checkPlot(ctx, o.plot);
  const job = sweepJob(ctx, words, o.read);
  const target = targetOf(job.target);
  const results = runSweep(ctx, job, o.jobs);
  const charts = o.chart || o.plot !== undefined ? sweepCharts(job, target, results) : [];
  const text = [sweepTable(job, results)];
  const failed = results.flatMap((r, i) =>
    r.ok ? [] : [`${pointName(job.params, job.points[i]!)}: ${r.error.code}: ${r.error.message}`],
  );
  if (failed.length > 0)
    text.push(`${failed.length} of ${results.length} points failed:`, ...failed.map((f) => `  ${f}`));
  if (o.chart) for (const c of charts) text.push('', lineChartText(c));
  const data: Record<string, unknown> = {
    target: target.name,
    kind: target.kind,
    params: job.params.map((p) => p.name),
    points: results.map((r, i) => {
      const values = Object.fromEntries(job.params.map((p, k) => [p.name, job.points[i]![k]]));
      return r.ok
        ? { values, ok: true, rows: r.rows.map((row) => ({ ...row, ratio: ratioOf(row.model, row.paper) })) }
        : { values, ok: false, error: r.error };
    }),
  };
  if (o.csv !== undefined) {
    const csv = sweepCsv(job, results);
    ctx.io.writeAtomic(o.csv, csv);
    const bytes = new TextEncoder().encode(csv).length;
    text.push(`wrote ${results.length} points to ${o.csv} (${bytes} bytes)`);
    data.csv = { file: o.csv, bytes };
  }
  if (o.plot !== undefined) {
    const bytes = writePlot(ctx, charts, o.plot);
    text.push(`drew ${charts.length === 1 ? 'the chart' : `${charts.length} charts`} to ${o.plot} (${bytes} bytes)`);
    data.plot = { file: o.plot, bytes };
  }
  return { text: text.join('\n'), data };
}

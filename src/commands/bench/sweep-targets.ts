// What `bench sweep` can sweep: a figure of the paper (or a whole part of `bench`), or a script
// (sweep-script.ts). At each point a figure gives its rows, model beside paper, as `bench` prints them.
// Every row is one series of the sweep (a line of a chart): its name holds no swept value, so the same
// row at every point makes one line.
//
// The seam with bench (the only file of the sweep that imports bench's figures). A figure target must
// provide, as a FigureTarget below:
//   - name, title, measures: what `bench sweep NAME` is called and its chart's title and y axis;
//   - counts: the figure's own whole-number parameters (fig5's n), with their range and axis title;
//   - fixes: the host keys the figure sets itself (a sweep of one is refused: it would change nothing);
//   - paper: the paper's points along each count, for charts;
//   - run(ctx, counts): the figure's rows on ctx's host (ctx is the point's sandbox: its host keys,
//     image keys and cost overrides are already set), as SweepRow {series, unit, model, paper}; with no
//     counts, the figure as `bench` runs it.
// Each runs bench's figures as functions of their parameters (bench/index.ts: runFigure) in the point's
// environment (benchEnv(ctx): the sandbox's host, images and cost overrides, so a swept host key, image
// key or cost.NAME reaches every engine the figure builds), and names each row's series by its id.

import { fail } from '../../engine/errors.js';
import { suggest } from '../../engine/suggest.js';
import type { Ctx } from '../types.js';
import { benchEnv, figuresOf, runFigure } from './index.js';
import { FIG5_PAPER } from './lifecycle.js';
import { FIG6_PAPER_GB } from './memory.js';
import type { BenchRow } from './types.js';

/** One series' value at one point: the model's, and the paper's where the paper has one there. */
export interface SweepRow {
  series: string;
  unit: string;
  model: number | null;
  paper: number | null;
}

/** A count a figure can be run at (Fig. 5's number of pVMs). */
export interface Count {
  summary: string;
  min: number;
  max: number;
  /** The axis title when the count is the x axis. */
  axis: string;
}

/** The paper's points of a series along a count, for charts (Fig. 5 at 100, 500 and 1000 pVMs). */
export interface PaperCurve {
  series: string;
  points: [x: number, y: number][];
}

export interface FigureTarget {
  kind: 'figure';
  name: string;
  title: string;
  /** What the figure's values measure, for the y axis: "total boot time". */
  measures: string;
  counts: Record<string, Count>;
  /** Host keys the figure sets itself: sweeping one would change nothing. */
  fixes: string[];
  /** The paper's points along each count. */
  paper: Record<string, PaperCurve[]>;
  /** The figure's rows on ctx's host, at the counts given (none: the figure as `bench` runs it). */
  run(ctx: Ctx, counts: Record<string, number>): SweepRow[];
}

export interface ScriptTarget {
  kind: 'script';
  name: string;
  text: string;
  /** Dotted paths into each command's JSON data whose numbers become rows (--read). */
  read: string[];
}

export type Target = FigureTarget | ScriptTarget;

/** A bench row as a sweep row, its series named so the same row at every point is one line. */
function sweepRow(r: BenchRow, series: string): SweepRow {
  return { series, unit: r.unit, model: r.model, paper: r.paper };
}

/** The bench rows of a part or a figure, as sweep rows. */
function benchRows(ctx: Ctx, part: string): SweepRow[] {
  const env = benchEnv(ctx);
  const rows = figuresOf(part).flatMap((f) => runFigure(env, f));
  const many = new Set(rows.map((r) => r.figure)).size > 1;
  return rows.map((r) => sweepRow(r, many ? `${r.figure}: ${r.case}` : r.case));
}

/** A counted figure's rows at n, each named by the series its id says (fig5.xs.300: 'KylinX, xs'). */
function countedRows(ctx: Ctx, figure: string, n: number, series: Record<string, string>): SweepRow[] {
  return runFigure(benchEnv(ctx), figure, { n }).map((r) => {
    const kind = r.id.split('.')[1]!;
    return sweepRow(r, series[kind] ?? fail('EINVAL', `bench row ${r.id} has no series in the sweep of ${figure}`));
  });
}

/** The paper's value of a curve at x, or null. */
function paperAt(points: readonly [number, number][], x: number): number | null {
  return points.find(([px]) => px === x)?.[1] ?? null;
}

const FIG5: FigureTarget = {
  kind: 'figure',
  name: 'fig5',
  title: 'KylinX Fig. 5: n pVMs booted one after another',
  measures: 'total boot time',
  counts: { n: { summary: 'pVMs booted in sequence', min: 1, max: 10_000, axis: 'pVMs booted (n)' } },
  fixes: ['toolstack', 'max_domains', 'memory'],
  paper: {
    n: [
      { series: 'KylinX, xs', points: FIG5_PAPER.KylinX },
      { series: 'MiniOS, xs', points: FIG5_PAPER.MiniOS },
      { series: 'Docker (paper only)', points: FIG5_PAPER.Docker },
    ],
  },
  run(ctx, counts) {
    const n = counts.n;
    if (n === undefined) return benchRows(ctx, 'fig5');
    return [
      ...countedRows(ctx, 'fig5', n, { xs: 'KylinX, xs', minios: 'MiniOS, xs', noxs: 'KylinX, noxs' }),
      { series: 'Docker (paper only)', unit: 's', model: null, paper: paperAt(FIG5_PAPER.Docker, n) },
    ].filter((r) => r.model !== null || r.paper !== null);
  },
};

const FIG6_N = 1000;

const FIG6: FigureTarget = {
  kind: 'figure',
  name: 'fig6',
  title: 'KylinX Fig. 6: host memory of n redis appliances',
  measures: 'host memory',
  counts: { n: { summary: 'redis appliances', min: 1, max: 8000, axis: 'redis appliances (n)' } },
  fixes: ['memory', 'max_domains'],
  paper: {
    n: [
      { series: 'libraries shared (KylinX)', points: [[FIG6_N, FIG6_PAPER_GB.kylinx]] },
      { series: 'libraries static (MiniOS)', points: [[FIG6_N, FIG6_PAPER_GB.minios]] },
      { series: 'Docker (paper only)', points: [[FIG6_N, FIG6_PAPER_GB.docker]] },
    ],
  },
  run(ctx, counts) {
    const n = counts.n;
    if (n === undefined) return benchRows(ctx, 'fig6');
    return countedRows(ctx, 'fig6', n, {
      shared: 'libraries shared (KylinX)',
      static: 'libraries static (MiniOS)',
      ratio: 'static / shared',
      docker: 'Docker (paper only)',
    });
  },
};

/** A figure (or part) of `bench` swept as `bench` runs it: no counts of its own. */
function fixedFigure(name: string, part: string, title: string, measures: string): FigureTarget {
  return {
    kind: 'figure',
    name,
    title,
    measures,
    counts: {},
    fixes: [],
    paper: {},
    run: (ctx) => benchRows(ctx, part),
  };
}

/** Every figure and part a sweep can name, figures with counts first. */
export const FIGURES: FigureTarget[] = [
  FIG5,
  FIG6,
  fixedFigure('table3', 'table3', 'KylinX Table 3: IpC latency', 'IpC latency'),
  fixedFigure('fig7', 'fig7', 'KylinX Fig. 7: online update of libm 1.16 -> 1.18', 'update time'),
  fixedFigure('recycle', 'recycle', 'KylinX §3.3.3: recycled boot', 'boot time'),
  fixedFigure('boot', 'boot', 'KylinX §4.1: boot (one pVM, Fig. 5, recycling)', 'boot time'),
  fixedFigure('fork', 'fork', 'KylinX §3.2.1: fork latency', 'fork latency'),
  fixedFigure('ipc', 'ipc', 'KylinX Table 3: IpC latency', 'IpC latency'),
  fixedFigure('memory', 'memory', 'KylinX Fig. 6: host memory of 1000 redis appliances', 'host memory'),
  fixedFigure('update', 'update', 'KylinX Fig. 7: online update of libm 1.16 -> 1.18', 'update time'),
  fixedFigure('apps', 'apps', 'KylinX §6: Redis, a web server and DNS over the network path', 'throughput'),
];

/** A script is named by a path: it has a / or ends in .kx. */
export function isScriptName(name: string): boolean {
  return name.includes('/') || name.endsWith('.kx');
}

export function figureNamed(name: string): FigureTarget {
  const f = FIGURES.find((x) => x.name === name);
  if (f) return f;
  const near = suggest(
    name,
    FIGURES.map((x) => x.name),
  );
  fail(
    'ENOENT',
    `no figure '${name}'${near ? ` (did you mean '${near}'?)` : ''}: sweep ${FIGURES.map((x) => x.name).join(', ')} or a script (a path, or a name ending in .kx)`,
  );
}

// Charts of `bench`: a sweep as line charts (the first parameter on the x axis, one line per series and
// per value of the other parameters, the paper's points beside), and a bench part as bars (each
// figure's cases, model beside paper). One chart per unit: seconds and ratios share no axis.

import { HOST_KEYS, IMAGE_KEYS } from '../../engine/config.js';
import { fail } from '../../engine/errors.js';
import type { BarChart, ChartSeries, LineChart } from '../chart.js';
import type { SweepParam } from './sweep-params.js';
import { hostValues, type PointResult, type SweepJob } from './sweep-point.js';
import { FIGURES, type Target } from './sweep-targets.js';
import type { BenchRow } from './types.js';

const UNIT_NAMES: Record<string, string> = { us: 'µs', x: 'ratio' };

/** "total boot time (s)"; a script's numbers read with --read have no unit. */
function yTitle(measures: string, unit: string): string {
  return unit === '' ? measures : `${measures} (${UNIT_NAMES[unit] ?? unit})`;
}

/** The x axis of a parameter: a figure's count by what it counts, a key with its summary (units there). */
function xTitle(target: Target, p: SweepParam): string {
  const t = p.target;
  if (t.kind === 'count') return target.kind === 'figure' ? (target.counts[t.key]?.axis ?? p.name) : `$${p.name}`;
  if (t.kind === 'host') return `${p.name} (${HOST_KEYS[t.key]!.summary})`;
  if (t.kind === 'image') return `${p.name} (${IMAGE_KEYS[t.key]!.summary})`;
  return `${p.name} (modeled cost)`;
}

/** The parameter's value where the paper's cells were measured: the session's own, when a number. */
function baseline(job: SweepJob, p: SweepParam): number | undefined {
  const t = p.target;
  const v = t.kind === 'host' ? hostValues(job.host)[t.key] : undefined;
  return typeof v === 'number' ? v : undefined;
}

function seriesAdd(m: Map<string, ChartSeries>, name: string, kind: ChartSeries['kind'], x: number, y: number): void {
  const key = `${kind}\u0000${name}`;
  const s = m.get(key) ?? { name, kind, points: [] };
  s.points.push([x, y]);
  m.set(key, s);
}

/** The sweep as line charts, one per unit. */
export function sweepCharts(job: SweepJob, target: Target, results: readonly PointResult[]): LineChart[] {
  const [px, ...rest] = job.params;
  if (!px) return [];
  if (px.values.some((v) => typeof v !== 'number'))
    fail('EINVAL', `${px.name} takes words, not numbers, so it cannot be an x axis: put a numeric parameter first`);
  const byUnit = new Map<string, Map<string, ChartSeries>>();
  const unitOf = (u: string): Map<string, ChartSeries> => byUnit.get(u) ?? byUnit.set(u, new Map()).get(u)!;
  const curves = target.kind === 'figure' && px.target.kind === 'count' ? target.paper[px.name] : undefined;
  const xs = px.values.filter((v): v is number => typeof v === 'number');
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const base = baseline(job, px);
  const suffixes = new Set<string>();
  results.forEach((r, i) => {
    if (!r.ok) return;
    const point = job.points[i]!;
    const x = Number(point[0]);
    const suffix = rest.length > 0 ? ` [${rest.map((p, k) => `${p.name}=${point[k + 1]}`).join(', ')}]` : '';
    suffixes.add(suffix);
    for (const row of r.rows) {
      const m = unitOf(row.unit);
      if (row.model !== null) seriesAdd(m, row.series + suffix, 'model', x, row.model);
      // Without the figure's paper curve, a paper cell stands where the paper ran: the parameter's own value.
      if (!curves && row.paper !== null && base !== undefined && x === base)
        seriesAdd(m, row.series + suffix, 'paper', x, row.paper);
    }
  });
  if (curves) {
    const unit = results.find((r) => r.ok && r.rows.length > 0);
    const m = unitOf(unit?.ok ? unit.rows[0]!.unit : '');
    for (const c of curves)
      for (const [x, y] of c.points)
        if (x >= lo && x <= hi) for (const suffix of suffixes) seriesAdd(m, c.series + suffix, 'paper', x, y);
  }
  const measures = target.kind === 'figure' ? target.measures : 'modeled';
  const title = `${target.kind === 'figure' ? target.title : target.name}, swept over ${job.params.map((p) => p.name).join(', ')}`;
  // What the figure measures names its first unit's axis; rows in another unit (bench apps' latencies
  // beside its throughputs) are values in that unit, not more of the same measure.
  const first = [...byUnit.keys()][0];
  return [...byUnit].map(([unit, m]) => ({
    title,
    x: xTitle(target, px),
    y: yTitle(
      target.kind === 'script' && unit === 'us' ? 'modeled latency' : unit === first ? measures : 'value',
      unit,
    ),
    series: [...m.values()],
  }));
}

/** A bench part's rows as bars: one chart per figure and unit. */
export function benchCharts(rows: readonly BenchRow[]): BarChart[] {
  const groups = new Map<string, BenchRow[]>();
  for (const r of rows) {
    const k = `${r.figure}\u0000${r.unit}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const { figure, unit } = rs[0]!;
    const f = FIGURES.find((x) => x.name === figure);
    return {
      title: f ? f.title : figure,
      y: yTitle(f ? f.measures : 'value', unit),
      cases: rs.map((r) => ({ name: r.case, model: r.model, paper: r.paper })),
    };
  });
}

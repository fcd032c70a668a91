// The animation strip: what plays, drawn as a chart on one common time scale (a Gantt chart of the
// mechanism's steps, each bar where its modeled time starts and as long as it lasts), the step playing
// marked ▶ and filling as virtual time passes, the ones done ✓. Above the chart, the mechanism and the
// modeled time so far; for an update, whether the pVM is serving or paused. It replaces the top of the
// output pane while something plays; when the mechanism ends its record stays in the output (steps.ts).

import { latency } from '../../commands/format.js';
import type { Playing } from './animator.js';
import { fit } from '../format.js';
import { type Line, LineBuilder, paint } from '../line.js';
import type { TimedStep } from './timeline.js';

/** Cells for a step's time beside the chart. */
const TIME_W = 10;

function state(p: Playing, short: boolean): string {
  const s = p.step;
  if (!s || s.stage === null) return '';
  if (short) return s.paused ? `${s.pvm} ∥ paused` : `${s.pvm} ▶ serving`;
  return s.paused ? `${s.pvm} ∥ paused: requests wait` : `${s.pvm} ▶ serving requests`;
}

type Part = [string, ((s: string) => string) | undefined];

/** The head's pieces, in the long form or the short one a narrow screen keeps whole. */
function headParts(p: Playing, window: [number, number, number] | null, short: boolean): Part[] {
  const t = p.timeline;
  const speed =
    t.speedup > 1 ? (short ? ` ×${t.speedup.toFixed(1)}` : ` (×${t.speedup.toFixed(1)} faster to fit)`) : '';
  const st = state(p, short);
  const win = window
    ? short
      ? `  ${window[0]}-${window[1]}/${window[2]}`
      : `  steps ${window[0]}-${window[1]} of ${window[2]}`
    : '';
  return [
    [t.animation.mechanism === 'fork-steps' ? '▶ ' : '⟳ ', paint.event],
    [t.title, paint.bold],
    [`  t+${latency(p.us)} of ${latency(t.totalUs)}`, undefined],
    [speed, paint.dim],
    [st ? `  ${st}` : '', p.step?.paused ? paint.warn : paint.ok],
    [win, paint.dim],
    [p.queued > 0 ? `  +${p.queued} more` : '', paint.dim],
    [short ? '  key skips' : '  any key skips', paint.dim],
  ];
}

function head(p: Playing, width: number, window: [number, number, number] | null): Line {
  const long = headParts(p, window, false);
  const parts = long.reduce((n, [text]) => n + text.length, 0) <= width ? long : headParts(p, window, true);
  const b = new LineBuilder(width);
  for (const [text, style] of parts) b.add(text, style);
  return b.done();
}

function labelOf(s: TimedStep): string {
  return `${s.label}${s.detail ? ` (${s.detail})` : ''}`;
}

/** One step's row: mark, label, its bar on the common scale, its modeled time. */
function stepLine(s: TimedStep, i: number, p: Playing, totalUs: number, width: number, labelW: number): Line {
  const done = i < p.index;
  const now = i === p.index;
  const mark = done ? '✓' : now ? '▶' : ' ';
  const chart = Math.max(8, width - 2 - labelW - 1 - TIME_W - 1);
  const from = Math.floor((s.startUs / Math.max(totalUs, 1e-9)) * chart);
  const len = Math.max(1, Math.round((s.us / Math.max(totalUs, 1e-9)) * chart));
  const filled = done ? len : now ? Math.round(len * p.frac) : 0;
  const label = labelOf(s);
  const b = new LineBuilder(width)
    .add(`${mark} `, done ? paint.ok : now ? paint.event : paint.dim)
    .add(fit(label, labelW), now ? paint.bold : done ? undefined : paint.dim)
    .add(' ')
    .add(' '.repeat(Math.min(from, chart - 1)))
    .add('█'.repeat(filled), s.async ? paint.info : s.paused ? paint.warn : paint.ok)
    .add('░'.repeat(Math.max(0, Math.min(len, chart - from) - filled)), paint.dim);
  b.padTo(2 + labelW + 1 + chart + 1);
  return b.add(latency(s.us).padStart(TIME_W), s.async ? paint.info : undefined).done();
}

/** The strip in at most `height` lines of `width`: the head, then a window of steps around the one playing. */
export function stripLines(p: Playing, width: number, height: number): Line[] {
  const t = p.timeline;
  const room = Math.max(0, height - 1);
  const n = t.steps.length;
  const first = n <= room ? 0 : Math.max(0, Math.min(p.index - Math.floor(room / 2), n - room));
  // Steps out of view are counted in the head, never dropped silently.
  const out: Line[] = [head(p, width, n > room ? [first + 1, Math.min(n, first + room), n] : null)];
  // Labels whole when they leave the chart 20 cells (or half the width); the chart takes the rest.
  const labelRoom = Math.max(Math.floor(width / 2), width - 2 - 1 - TIME_W - 1 - 20);
  const labelW = Math.min(labelRoom, Math.max(...t.steps.map((s) => labelOf(s).length)));
  for (let i = first; i < Math.min(n, first + room); i++)
    out.push(stepLine(t.steps[i]!, i, p, t.totalUs, width, labelW));
  return out;
}

/** Lines the strip would like: its head and every step. */
export function stripNeed(p: Playing): number {
  return 1 + p.timeline.steps.length;
}

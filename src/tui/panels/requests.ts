// Requests: each serving pVM's requests per second of virtual time over the last window
// (src/commands/request-rates.ts: the served counters' difference between two refreshes, divided by the
// virtual time between them), busiest first, with a bar on the busiest's scale, and the requests
// dropped by a full backlog or failed for want of a frame where there were any. `-` for a pVM with no
// rate yet (forked since time last ran). Domain-0's netback heads it, per Domain-0 vCPU: jobs done per
// second over the window, and the jobs queued now with the CPU they hold (`q3 18.0 µs`); in a panel
// too short for that and the busiest three pVMs it goes after the pVMs. It appears once virtual time
// has run with a serving pVM on the host; longer than the panel, it ends with `… N more` and scrolls
// (focus it with Tab or Alt+7). Names are never cut: a name longer than the column pushes its own row's
// figures right; in a narrow panel a row's bar goes first, then the words after what was lost (`✗`
// still marks it).

import { durationText } from '../../commands/sched.js';
import type { NetbackRate, RequestRate, RequestRates } from '../../commands/request-rates.js';
import { fill } from '../format.js';
import { type Line, LineBuilder, paint } from '../line.js';
import type { ConsoleModel } from '../model.js';
import { aboveNote, type Panel, type PanelCtx, type PanelView, windowOf } from './registry.js';

const BAR = 10;
/** The name column is as wide as the longest name, up to this; a longer name takes its own room. */
const NAME_MAX = 20;
/** "9999.9/s" */
const RATE_W = 8;

/** A rate in at most RATE_W - 2 cells: one decimal below 10,000 per second, thousands above. */
export function rateText(per_s: number): string {
  return per_s < 9999.95 ? per_s.toFixed(1) : `${(per_s / 1000).toFixed(1)}k`;
}

/**
 * " ✗ 2.1/s dropped", " ✗ 0.3/s failed": what did not get an answer, when something did not; without
 * the words when they do not fit in `room` (✗ still says it).
 */
function lostText(r: RequestRate, room: number): string {
  const parts: [number, string][] = [];
  if (r.dropped > 0) parts.push([r.dropped_per_s!, 'dropped']);
  if (r.failed > 0) parts.push([r.failed_per_s!, 'failed']);
  const long = parts.map(([x, w]) => ` ✗ ${rateText(x)}/s ${w}`).join('');
  return long.length <= room ? long : parts.map(([x]) => ` ✗ ${rateText(x)}/s`).join('');
}

function rateLine(r: RequestRate, nameW: number, top: number, width: number): Line {
  const b = new LineBuilder(width).add(r.name.padEnd(nameW));
  if (r.per_s === null)
    return b
      .add(' ')
      .add('-'.padStart(RATE_W - 2), paint.dim)
      .done();
  b.add(' ').add(`${rateText(r.per_s)}/s`.padStart(RATE_W), r.per_s > 0 ? paint.bold : paint.dim);
  // What was lost, in words, goes before the bar does: the numbers and what they mean must show.
  const lost = lostText(r, width - b.width);
  if (b.width + 1 + BAR + lost.length <= width) {
    const [f, e] = fill(top > 0 ? r.per_s / top : 0, BAR);
    b.add(' ').add('█'.repeat(f), paint.ok).add('░'.repeat(e), paint.dim);
  }
  return b.add(lost, paint.warn).done();
}

function pvmLines(x: RequestRates, width: number): Line[] {
  const nameW = Math.min(NAME_MAX, Math.max(4, ...x.rates.map((r) => r.name.length)));
  const top = Math.max(0, ...x.rates.map((r) => r.per_s ?? 0));
  return x.rates.map((r) => rateLine(r, nameW, top, width));
}

/**
 * `v0 47.5k/s q0`, `v1 96.0/s q3 18.0 µs`: a Domain-0 vCPU's netback, its jobs done per second and its
 * queue now (q, as the scheduler panel writes a run queue) with the CPU the queued jobs hold.
 */
function netbackItem(n: NetbackRate): { text: string; busy: boolean } {
  const rate = n.done_per_s === null ? '-' : `${rateText(n.done_per_s)}/s`;
  const queue = n.jobs === 0 ? 'q0' : `q${n.jobs} ${n.backlog_us.toFixed(1)} µs`;
  return { text: `v${n.vcpu} ${rate} ${queue}`, busy: n.jobs > 0 };
}

/** Xen's name for the network backend in Domain-0 (the README says whose it is): short, so both vCPUs fit a row. */
const NETBACK = 'netback ';

/** Domain-0's netback, its vCPUs joined by ' · ' in rows of `width`, never splitting one. */
function netbackLines(x: RequestRates, width: number): Line[] {
  const out: Line[] = [];
  let b = new LineBuilder(width).add(NETBACK, paint.bold);
  let first = true;
  for (const n of x.netback) {
    const it = netbackItem(n);
    const sep = first ? '' : ' · ';
    if (!first && b.width + sep.length + it.text.length > width) {
      out.push(b.done());
      b = new LineBuilder(width).add('  ');
    } else b.add(sep, paint.dim);
    b.add(it.text, it.busy ? paint.warn : undefined);
    first = false;
  }
  if (!first) out.push(b.done());
  return out;
}

/** Rows of pVMs kept in view before Domain-0's netback goes to the top: the busiest come first. */
const BUSIEST = 3;

/**
 * Every row with the pVM it is about: Domain-0's netback first when the panel also has room for the
 * BUSIEST pVMs (or for everything), else after the pVMs (scrolled to, and counted in `… N more`).
 */
function allRows(x: RequestRates, width: number, rows: number): { lines: Line[]; domids: (number | null)[] } {
  const pvms = pvmLines(x, width);
  const nb = netbackLines(x, width);
  const ids = x.rates.map((r) => r.domid);
  const none = nb.map(() => null);
  const top = nb.length + pvms.length <= rows || rows - nb.length >= Math.min(BUSIEST, pvms.length) + 1;
  return top
    ? { lines: [...nb, ...pvms], domids: [...none, ...ids] }
    : { lines: [...pvms, ...nb], domids: [...ids, ...none] };
}

/** The panel drawn from its data alone: `rows` lines of `width` cells, from `scroll` (kept in range). */
export function requestsView(x: RequestRates, o: { width: number; rows: number; scroll: number }): PanelView {
  const all = allRows(x, o.width, o.rows);
  const w = windowOf(all.lines, o.rows, o.scroll, o.width);
  const total = x.rates.reduce((t, r) => t + (r.per_s ?? 0), 0);
  const n = x.rates.length;
  const more = w.first + w.lines.length < all.lines.length;
  return {
    title: `requests: ${rateText(total)}/s, ${n} pVM${n === 1 ? '' : 's'}`,
    note: aboveNote(w.first) || (x.span_ns === null ? 'no run yet' : `last ${durationText(x.span_ns)}`),
    lines: w.lines,
    total: all.lines.length,
    first: w.first,
    // A click on a pVM's row selects it; netback's rows and the `… N more` row are about none.
    domids: w.lines.map((_, i) => (more && i === w.lines.length - 1 ? null : (all.domids[w.first + i] ?? null))),
  };
}

function view(ctx: PanelCtx): PanelView {
  return requestsView(ctx.model.snapshot.requests, ctx);
}

export const requestsPanel: Panel = {
  id: 'requests',
  tab: 'requests',
  followsSelection: false,
  available: (m: ConsoleModel) => m.snapshot.requests.span_ns !== null && m.snapshot.requests.rates.length > 0,
  need: (m, width) => m.snapshot.requests.rates.length + netbackLines(m.snapshot.requests, width).length,
  view,
};

// The pVM tree: every family under Domain-0 as `tree` prints it (treeRows), with xl's state letters,
// what a blocked pVM waits on (`◷ msgrcv q1 t5`: an idle pVM is `-b----` with nothing there), the share
// of its pages still its parent's, Rss and Pss. Names are never cut: the columns after them go, right
// to left, when the panel is narrow. `+` marks pVMs new with the last command, `›` the selected one
// (Alt+Up/Down; the window follows it). While a fork plays, children not yet forked are not shown and
// the one being forked says so.

import type { TreeRow } from '../../commands/inspect.js';
import { DOM0 } from '../../engine/domain.js';
import { fit, size } from '../format.js';
import { type Line, LineBuilder, line, paint } from '../line.js';
import type { ConsoleModel, Snapshot } from '../model.js';
import { waitLabel } from '../waits.js';
import type { Panel, PanelCtx, PanelView } from './registry.js';

const STATE_W = 6;
const NUM_W = 6;

/** The first row shown so that `at` is in a window of `n` rows out of `total`. */
export function scrollTop(at: number, n: number, total: number): number {
  if (total <= n) return 0;
  return Math.max(0, Math.min(at - Math.floor(n / 2), total - n));
}

function share(r: TreeRow): string {
  if (r.domid === DOM0) return '';
  if (r.zombie) return 'zombie';
  if (r.shared_with_parent_pct === null) return 'root';
  return `${r.shared_with_parent_pct.toFixed(r.shared_with_parent_pct === 100 ? 0 : 1)}%`;
}

const labelOf = (r: TreeRow): string => `${r.prefix}${r.name} (${r.domid})`;

interface Widths {
  label: number;
  wait: number;
  share: boolean;
  rss: boolean;
  pss: boolean;
}

const labelWidths = new WeakMap<Snapshot, number>();

/** The longest row label of a snapshot (all rows, not just those shown: the columns stay put while scrolling). */
function labelWidth(s: Snapshot): number {
  let w = labelWidths.get(s);
  if (w === undefined) {
    w = 12;
    for (const r of s.rows) w = Math.max(w, labelOf(r).length);
    labelWidths.set(s, w);
  }
  return w;
}

/** What each pVM is doing when it is more than its state letters: blocked in a call, being forked, being updated. */
function activities(m: ConsoleModel): Map<number, { text: string; warn: boolean }> {
  const out = new Map<number, { text: string; warn: boolean }>();
  const hv = m.shell.hv;
  for (const domid of m.snapshot.waiting) {
    const w = hv.domains.get(domid)?.waiting;
    if (w) out.set(domid, { text: `◷ ${waitLabel(hv, w)}`, warn: true });
  }
  const p = m.animator.playing();
  if (p?.step) {
    const s = p.step;
    if (s.domid !== null) out.set(s.domid, { text: '▶ forking', warn: false });
    else if (s.stage !== null) {
      const d = [...hv.pvms()].find((x) => x.name === s.pvm);
      if (d) out.set(d.domid, { text: s.paused ? `∥ update ${s.stage}/4` : '⟳ update', warn: s.paused });
    }
  }
  return out;
}

/** Children of a fork that plays whose turn has not come: not shown yet. */
function unborn(m: ConsoleModel): Set<number> {
  const out = new Set<number>();
  const p = m.animator.playing();
  if (!p || p.timeline.animation.mechanism !== 'fork-steps') return out;
  const started = new Set(p.timeline.steps.slice(0, p.index + 1).map((s) => s.domid));
  for (const s of p.timeline.steps.slice(p.index + 1)) if (s.domid !== null && !started.has(s.domid)) out.add(s.domid);
  return out;
}

function fitWidths(inner: number, label: number, wait: number): Widths {
  const w: Widths = { label, wait, share: true, rss: true, pss: true };
  const used = (): number =>
    1 + w.label + 1 + STATE_W + (w.wait ? 1 + w.wait : 0) + (w.share ? 7 : 0) + (w.rss ? 7 : 0) + (w.pss ? 7 : 0);
  for (const k of ['pss', 'rss', 'share'] as const) if (used() > inner) w[k] = false;
  if (used() > inner && w.wait) w.wait = Math.max(6, inner - (used() - w.wait));
  return w;
}

function head(w: Widths, max: number): Line {
  let s = ` ${fit('name (domid)', w.label)} ${'state'.padEnd(STATE_W)}`;
  if (w.wait) s += ` ${fit('now', w.wait)}`;
  if (w.share) s += ` ${'parent'.padStart(NUM_W)}`;
  if (w.rss) s += ` ${'Rss'.padStart(NUM_W)}`;
  if (w.pss) s += ` ${'Pss'.padStart(NUM_W)}`;
  return line(s, max, paint.dim);
}

function stateColor(r: TreeRow): ((s: string) => string) | undefined {
  if (r.zombie) return paint.bad;
  if (r.state.startsWith('r')) return paint.ok;
  if (r.state.includes('p')) return paint.warn;
  return undefined;
}

function rowLine(
  r: TreeRow,
  o: { selected: boolean; fresh: boolean; w: Widths; max: number; act: { text: string; warn: boolean } | undefined },
): Line {
  const { w } = o;
  const b = new LineBuilder(o.max)
    .add(o.selected ? '›' : o.fresh ? '+' : ' ', o.selected ? paint.bold : paint.ok)
    .add(fit(labelOf(r), w.label), o.selected ? paint.selected : o.fresh ? paint.ok : undefined)
    .add(' ')
    .add(r.state.padEnd(STATE_W), stateColor(r));
  if (w.wait) b.add(' ').add(fit(o.act?.text ?? '', w.wait), o.act?.warn ? paint.warn : paint.event);
  if (w.share) b.add(' ').add(share(r).padStart(NUM_W), r.zombie ? paint.bad : paint.info);
  if (r.domid !== DOM0 && !r.zombie) {
    if (w.rss) b.add(' ').add(size(r.rss_kib).padStart(NUM_W));
    if (w.pss) b.add(' ').add(size(r.pss_kib).padStart(NUM_W));
  }
  return b.done();
}

function view(ctx: PanelCtx): PanelView {
  const m = ctx.model;
  const s = m.snapshot;
  const hidden = unborn(m);
  const rows = hidden.size > 0 ? s.rows.filter((r) => !hidden.has(r.domid)) : s.rows;
  const acts = activities(m);
  const waitW = acts.size > 0 ? Math.max(10, ...[...acts.values()].map((a) => a.text.length)) : 0;
  const w = fitWidths(ctx.width, labelWidth(s), waitW);
  const n = Math.max(1, ctx.rows - 1);
  const at = Math.max(
    0,
    rows.findIndex((r) => r.domid === m.selected),
  );
  // When not every row fits, the last row says how many more there are below.
  const room = rows.length > n ? Math.max(1, n - 1) : n;
  const top = scrollTop(at, room, rows.length);
  const shown = rows.slice(top, top + room);
  const below = rows.length - top - shown.length;
  const lines = [head(w, ctx.width)];
  const domids: (number | null)[] = [null];
  for (const r of shown) {
    lines.push(
      rowLine(r, {
        selected: r.domid === m.selected,
        fresh: s.fresh.has(r.domid),
        w,
        max: ctx.width,
        act: acts.get(r.domid),
      }),
    );
    domids.push(r.domid);
  }
  if (below > 0) {
    lines.push(new LineBuilder(ctx.width).add(`… ${below} more (Alt+↓ selects down)`, paint.dim).done());
    domids.push(null);
  }
  const families = s.rows.filter((r) => r.depth === 1).length;
  return {
    title: `pVMs: ${s.pvms} in ${families} famil${families === 1 ? 'y' : 'ies'}`,
    note: top > 0 ? `↑${top}` : '',
    lines,
    total: rows.length + 1,
    first: top,
    domids,
  };
}

/** Columns the tree would like: every column, its longest label whole. */
export function treeWidth(m: ConsoleModel): number {
  const waits = m.snapshot.waiting.length > 0 ? 18 : 0;
  return 1 + labelWidth(m.snapshot) + 1 + STATE_W + waits + 21 + 1;
}

export const treePanel: Panel = {
  id: 'tree',
  tab: 'pVMs',
  followsSelection: true,
  available: () => true,
  need: (m) => m.snapshot.rows.length + 1,
  view,
};

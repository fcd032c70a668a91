// One screen of the console as lines: the layout (layout.ts) filled with the header, each panel's title
// and rows side by side with rules between the columns, the output pane with its rule and (while
// something plays) the animation strip, the hint bar and the prompt. Pure: from the model and the size
// to lines ink writes as they are (lines.tsx), plus where things are for the mouse and the scrolling
// keys. A panel's lines are kept until what it shows changes, so typing at the prompt redraws the
// prompt and nothing else is recomputed.

import { stripLines, stripNeed } from './anim/strip.js';
import { headerLine, hintLine, offerLines, playLines, promptLine, promptWindow, runLine } from './bars.js';
import { layout, type PaneId, type PanelId, type ScreenLayout, type Slot, TOO_SMALL } from './layout.js';
import { type Line, LineBuilder, line, paint } from './line.js';
import type { ConsoleModel, Snapshot } from './model.js';
import { PANEL_BY_ID, PANELS } from './panels/index.js';
import type { Panel, PanelView } from './panels/registry.js';
import { treeWidth } from './panels/tree.js';
import { styleKey } from './theme.js';

export interface SlotView {
  slot: Slot;
  view: PanelView;
  /** Rows above the panel's content: its title, and the tab strip of a slot shared by turns. */
  top: number;
  /** For a shared slot: where each tab's name is on the strip (columns from the slot's left). */
  tabs: { id: PanelId; from: number; to: number }[];
}

export interface ComposedFrame {
  lines: Line[];
  layout: ScreenLayout;
  /** Where the cursor goes (the prompt), or undefined to hide it. */
  cursor: { x: number; y: number } | undefined;
  slots: SlotView[];
  /** The output pane's rows: the fold each belongs to (a click opens it), from the pane's second row. */
  folds: (string | null)[];
  /** Rows of output the pane shows (its page for PgUp/PgDn). */
  outputRows: number;
}

/** Panel views of one snapshot, by what else they depend on. */
const views = new WeakMap<Snapshot, Map<string, PanelView>>();

/** What a panel's lines depend on besides the snapshot: while something plays, every frame. */
function dependsKey(m: ConsoleModel, p: Panel): string {
  const moving = m.animator.busy ? m.getVersion() : 0;
  return `${styleKey()}|${moving}|${m.cowMarks.size}|${p.followsSelection ? m.selected : ''}`;
}

function cached<T>(cache: WeakMap<Snapshot, Map<string, T>>, m: ConsoleModel, key: string, make: () => T): T {
  let byKey = cache.get(m.snapshot);
  if (!byKey) {
    byKey = new Map();
    cache.set(m.snapshot, byKey);
  }
  let v = byKey.get(key);
  if (v === undefined) {
    v = make();
    byKey.set(key, v);
  }
  return v;
}

function panelView(m: ConsoleModel, slot: Slot, inner: number, rows: number): PanelView {
  const p = PANEL_BY_ID.get(slot.shown)!;
  const focused = m.focus.pane === p.id;
  const scroll = m.focus.scrollOf(p.id);
  const key = `${p.id}|${inner}|${rows}|${focused}|${scroll}|${dependsKey(m, p)}`;
  return cached(views, m, key, () => p.view({ model: m, width: inner, rows, focused, scroll }));
}

/** Rows a panel would like at a width, kept like its lines. */
const needs = new WeakMap<Snapshot, Map<string, number>>();

function panelNeed(m: ConsoleModel, p: Panel, width: number): number {
  return cached(needs, m, `${p.id}|${width}|${dependsKey(m, p)}`, () => p.need(m, width));
}

/**
 * The title row of a slot: the panel's title (focused: marked and highlighted), its note at the right
 * when it fits whole, and between them, room permitting, the other panels of a slot that shows one at
 * a time (tabs). The title comes first: a note never cuts it.
 */
function titleRow(v: PanelView, focused: boolean, width: number): Line {
  const title = focused ? `▸ ${v.title}` : ` ${v.title}`;
  const note = v.note && title.length + 1 + v.note.length <= width ? v.note : '';
  const b = new LineBuilder(width).add(title, focused ? paint.focus : paint.title);
  if (note) b.padTo(width - note.length).add(note, paint.dim);
  return b.done();
}

/** The tab strip of a slot whose panels take turns: every name, the one shown marked (and where each is, for clicks). */
function tabStrip(slot: Slot, width: number): { line: Line; tabs: SlotView['tabs'] } {
  const b = new LineBuilder(width).add(' ');
  const tabs: SlotView['tabs'] = [];
  slot.tabs.forEach((id, i) => {
    if (i > 0) b.add(' │ ', paint.rule);
    const name = PANEL_BY_ID.get(id)!.tab;
    const from = b.width;
    if (id === slot.shown) b.add(`[${name}]`, paint.title);
    else b.add(name, paint.dim);
    tabs.push({ id, from, to: b.width });
  });
  const keys = ' Tab, Alt+2-7 or a click shows one';
  if (width - b.width > keys.length) b.padTo(width - keys.length).add(keys, paint.dim);
  return { line: b.done(), tabs };
}

function slotLines(m: ConsoleModel, slot: Slot): { lines: Line[]; view: SlotView } {
  const { w, h } = slot.rect;
  const inner = Math.max(1, w - 1);
  const shared = slot.tabs.length > 1;
  const top = shared ? 2 : 1;
  const v = panelView(m, slot, inner, Math.max(0, h - top));
  const strip = shared ? tabStrip(slot, w) : null;
  const lines = [...(strip ? [strip.line] : []), titleRow(v, m.focus.pane === slot.shown, w)];
  for (const l of v.lines.slice(0, h - top)) lines.push(new LineBuilder(w).add(' ').addLine(l).done());
  return { lines, view: { slot, view: v, top, tabs: strip?.tabs ?? [] } };
}

function outputRule(m: ConsoleModel, above: number, below: number, width: number): Line {
  const focused = m.focus.pane === 'output';
  const b = new LineBuilder(width);
  if (focused) b.add('▸ output', paint.focus);
  else b.add('─ output', paint.rule);
  const where =
    below > 0
      ? ` ↑${above} lines above · ↓${below} newer · End: back to live `
      : above > 0
        ? ` ↑${above} lines above (PgUp, Home) · live `
        : ' live ';
  b.add(' ').add(where, below > 0 ? paint.warn : paint.dim);
  const rest = width - b.width;
  if (rest > 0) b.add('─'.repeat(rest), paint.rule);
  return b.done();
}

/** The panels with something to show, with the rows each would like. */
function shownPanels(m: ConsoleModel): { id: (typeof PANELS)[number]['id']; need(width: number): number }[] {
  return PANELS.filter((p) => p.available(m)).map((p) => ({ id: p.id, need: (w: number) => panelNeed(m, p, w) }));
}

export function screenLayout(m: ConsoleModel, cols: number, rows: number): ScreenLayout {
  const playing = m.animator.playing();
  return layout({
    cols,
    rows,
    panels: shownPanels(m),
    treeWidth: treeWidth(m),
    strip: playing ? stripNeed(playing) : 0,
    playing: m.host.player !== null || m.host.offer !== null,
    tab: (ids) => m.focus.tabFor(ids),
  });
}

export function composeFrame(m: ConsoleModel, cols: number, rows: number): ComposedFrame {
  const L = screenLayout(m, cols, rows);
  if (L.tooSmall)
    return { lines: [line(TOO_SMALL, cols)], layout: L, cursor: undefined, slots: [], folds: [], outputRows: 0 };
  const H = rows - 1;
  const grid: Line[] = new Array<Line>(H);
  const { clock } = m.host;
  grid[0] = headerLine(m.snapshot, m.shell.hv.host.name, cols, { on: clock.on, speed: clock.speed });

  // Panels: column by column into rows of the panel area.
  const slots: SlotView[] = [];
  const rowsOf: LineBuilder[] = [];
  for (let y = 0; y < L.panels.h; y++) rowsOf.push(new LineBuilder(cols));
  const byX = [...L.slots].sort((a, b) => a.rect.x - b.rect.x || a.rect.y - b.rect.y);
  const drawn = byX.map((s) => {
    const r = slotLines(m, s);
    slots.push(r.view);
    return { s, lines: r.lines };
  });
  for (let y = 0; y < L.panels.h; y++) {
    const b = rowsOf[y]!;
    const sy = L.panels.y + y;
    for (const { s, lines } of drawn) {
      if (sy < s.rect.y || sy >= s.rect.y + s.rect.h) continue;
      b.padTo(s.rect.x);
      const l = lines[sy - s.rect.y];
      if (l) b.addLine(l);
      b.padTo(s.rect.x + s.rect.w);
      if (L.rules.includes(s.rect.x + s.rect.w)) b.add('│', paint.rule);
    }
    grid[sy] = b.done();
  }

  // The output pane: its rule, the strip while something plays, then the log's lines.
  const o = L.output;
  const stripH = L.strip?.h ?? 0;
  const outRows = Math.max(0, o.h - 1 - stripH);
  const v = m.out.view(cols, outRows);
  grid[o.y] = outputRule(m, v.above, v.below, cols);
  const playing = m.animator.playing();
  if (L.strip && playing) stripLines(playing, cols, stripH).forEach((l, i) => (grid[L.strip!.y + i] = l));
  for (let i = 0; i < outRows; i++) grid[o.y + 1 + stripH + i] = v.lines[i] ?? EMPTY;

  // The bar and the prompt.
  const { player, offer, longRun } = m.host;
  const by = L.bar.y;
  let cursor: { x: number; y: number } | undefined;
  if (offer) [grid[by], grid[by + 1]] = offerLines(offer, cols);
  else if (player) [grid[by], grid[by + 1]] = playLines(player, cols);
  else {
    grid[by] = longRun ? runLine(longRun, cols) : hintLine(m.line.text.slice(0, m.line.cursor), m.focus.pane, cols);
    grid[L.prompt!.y] = promptLine(m.line.text, m.line.cursor, cols);
    cursor = { x: promptWindow(m.line.text, m.line.cursor, cols).x, y: L.prompt!.y };
  }
  for (let y = 0; y < H; y++) grid[y] ??= EMPTY;
  return {
    lines: grid,
    layout: L,
    cursor,
    slots,
    folds: [...new Array<null>(stripH).fill(null), ...v.folds],
    outputRows: outRows,
  };
}

const EMPTY: Line = { text: '', width: 0 };

/** The panes a focus key walks through now: the output and the panels shown. */
export function panesShown(f: ComposedFrame): PaneId[] {
  const ids = new Set<PaneId>(['output']);
  for (const s of f.layout.slots) for (const t of s.tabs) ids.add(t);
  return [...ids];
}

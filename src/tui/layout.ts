// How the screen is shared, at every size from 80x24 to 240x70. Top to bottom: the header, the panels,
// the output pane (its rule line first; while a mechanism plays, the animation strip at its top), the
// hint bar and the prompt. The console draws rows - 1 lines: ink keeps the row under its output for the
// cursor, so it never scrolls the alternate screen.
//
// The panels take the rows their content wants, up to what leaves the output pane a third of the
// screen; the output pane gets the rest. The pVM tree is the first column; the other panels share one
// column (below 160 columns) or two, each in its own place (placement); the scheduler and the request
// rates (the two that appear once time runs) go under the tree together when the tree leaves room for
// them. Panels in a column are stacked when each gets at least MIN_PANEL rows (the first of a column
// first: it gets what it wants), else the column shows one of them at a time with the others named as
// tabs in its title (a panel is focused, and so shown, with Tab or Alt+1..7). Nothing is left out
// without saying so.

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
export const TOO_SMALL = `terminal too small (need ${MIN_COLS}x${MIN_ROWS})`;

export const PANEL_IDS = ['tree', 'sharing', 'libs', 'ipc', 'sched', 'requests'] as const;
export type PanelId = (typeof PANEL_IDS)[number];
export type PaneId = PanelId | 'output';

/** Rows of a stacked panel at least (its title and three lines). */
export const MIN_PANEL = 5;
/** Columns of three from this width. */
const THREE_COLUMNS = 160;
/**
 * The panels that appear once virtual time has run, kept together: under the tree when it leaves them
 * room, else after IpC. Together they never take rows from the sharing graph or IpC, which a class demo
 * of fork and IpC watches; where they cannot both be stacked they take turns in one slot.
 */
const TIME_PANELS: readonly PanelId[] = ['sched', 'requests'];

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Slot {
  rect: Rect;
  /** The panel drawn in the slot. */
  shown: PanelId;
  /** Every panel of the slot: one when it has the slot alone, several when they take turns (tabs). */
  tabs: PanelId[];
}

export interface ScreenLayout {
  cols: number;
  rows: number;
  tooSmall: boolean;
  header: Rect;
  slots: Slot[];
  /** Columns of the vertical rules between panel columns. */
  rules: number[];
  panels: Rect;
  /** The output pane, its rule line (row `y`) included. */
  output: Rect;
  /** The animation strip at the top of the output pane, below its rule; null when nothing plays. */
  strip: Rect | null;
  /** The hint bar (two rows while a script plays: the play bar). */
  bar: Rect;
  prompt: Rect | null;
}

export interface LayoutInput {
  cols: number;
  rows: number;
  /** The panels with something to show, in display order, and the content rows each would like at a width. */
  panels: { id: PanelId; need(width: number): number }[];
  /** Columns the tree would like (its longest row). */
  treeWidth: number;
  /** Rows the animation strip would like; 0 when nothing plays. */
  strip: number;
  /** A script plays: its two-row bar stands in for the hint and the prompt. */
  playing: boolean;
  /** Which panel a tabbed column shows. */
  tab(ids: PanelId[]): PanelId;
}

const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x));

/**
 * The panels of each column, in places that do not change while the console runs: the tree first; then
 * sharing, libraries, IpC, the scheduler and the request rates (one column), or sharing and libraries,
 * then IpC, the scheduler and the request rates (two). The scheduler and the rates go under the tree
 * when there is room there (see `layout`).
 */
function placement(ids: readonly PanelId[], ncols: number): PanelId[][] {
  const keep = (want: PanelId[]): PanelId[] => want.filter((id) => ids.includes(id));
  const cols: PanelId[][] =
    ncols === 3
      ? [['tree'], keep(['sharing', 'libs']), keep(['ipc', ...TIME_PANELS])]
      : [['tree'], keep(['sharing', 'libs', 'ipc', ...TIME_PANELS])];
  // Three columns with nothing for the third: sharing and libraries side by side.
  if (ncols === 3 && cols[2]!.length === 0 && cols[1]!.length === 2) return [['tree'], ['sharing'], ['libs']];
  return cols.filter((c) => c.length > 0);
}

/**
 * Heights of panels stacked in `h` rows (each with its title), or null when they cannot all have
 * MIN_PANEL. The first panel of a column comes first: it gets all it wants while the others keep
 * MIN_PANEL each; they share the rest by what each lacks.
 */
function stack(needs: number[], h: number): number[] | null {
  const want = needs.map((n) => n + 1);
  const sum = want.reduce((a, b) => a + b, 0);
  if (sum <= h) {
    want[want.length - 1]! += h - sum;
    return want;
  }
  const min = want.map((w) => Math.min(w, MIN_PANEL));
  if (min.reduce((a, b) => a + b, 0) > h) return null;
  const out = [...min];
  out[0] = Math.min(want[0]!, h - min.slice(1).reduce((a, b) => a + b, 0));
  let left = h - out.reduce((a, b) => a + b, 0);
  const deficit = want.map((w, i) => (i === 0 ? 0 : w - min[i]!));
  const total = deficit.reduce((a, b) => a + b, 0);
  for (let i = 1; i < out.length && total > 0; i++) out[i]! += Math.floor((deficit[i]! * left) / total);
  left = h - out.reduce((a, b) => a + b, 0);
  // What rounding left over: to those still short, in order, then to the last.
  for (let i = 0; i < out.length && left > 0; i++) {
    const add = Math.min(left, want[i]! - out[i]!);
    if (add > 0) {
      out[i]! += add;
      left -= add;
    }
  }
  out[out.length - 1]! += left;
  return out;
}

export function layout(o: LayoutInput): ScreenLayout {
  const { cols, rows } = o;
  const tooSmall = cols < MIN_COLS || rows < MIN_ROWS;
  const H = rows - 1;
  const barRows = o.playing ? 2 : 1;
  const promptRows = o.playing ? 0 : 1;
  const rest = H - 1 - barRows - promptRows;
  const outMin = Math.max(4, Math.floor(rest * 0.35));
  const pMax = Math.max(MIN_PANEL, rest - 1 - outMin);
  const ids = o.panels.map((p) => p.id);
  const ncols = cols >= THREE_COLUMNS && ids.length >= 3 ? 3 : ids.length > 1 ? 2 : 1;
  let groups = placement(ids, ncols);
  const n = groups.length;
  // Column widths: the tree as wide as its rows want, within a share of the screen.
  const [lo, hi] = n === 3 ? [0.26, 0.36] : n === 2 ? [0.36, 0.5] : [1, 1];
  const treeW = n === 1 ? cols : clamp(o.treeWidth, Math.floor(cols * lo), Math.floor(cols * hi));
  const restW = cols - treeW - (n - 1);
  const widths = [
    treeW,
    ...groups.slice(1).map((_, i) => Math.floor(restW / (n - 1)) + (i === 0 ? restW % (n - 1) : 0)),
  ];
  const wOf = (id: PanelId): number => widths[groups.findIndex((g) => g.includes(id))] ?? treeW;
  // Rows: what each panel wants at its column's width (content starts one cell in).
  const needOf = (id: PanelId, w = wOf(id)): number => o.panels.find((p) => p.id === id)?.need(w - 1) ?? 0;
  const heightOf = (gs: PanelId[][]): number =>
    clamp(Math.max(...gs.map((g) => g.reduce((s, id) => s + needOf(id) + 1, 0))), Math.min(MIN_PANEL + 2, pMax), pMax);
  let P = heightOf(groups);
  // The scheduler and the rates under the tree when the tree leaves them room there and something else
  // keeps their column: the screen's width is used.
  const last = groups[n - 1]!;
  const moving = last.filter((id) => TIME_PANELS.includes(id));
  if (n >= 2 && moving.length > 0 && last.length > moving.length && needOf('tree') + 1 + MIN_PANEL <= P) {
    groups = groups.map((g, i) => (i === 0 ? [...g, ...moving] : g.filter((id) => !moving.includes(id))));
    P = heightOf(groups);
  }

  const slots: Slot[] = [];
  const rules: number[] = [];
  let x = 0;
  groups.forEach((ids, c) => {
    const w = widths[c]!;
    if (c > 0) rules.push(x++);
    // Every panel stacked; else the first alone and the others by turns below it; else all by turns.
    const needs = ids.map((id) => needOf(id, w));
    const hs = stack(needs, P);
    const rest = ids.slice(1);
    const split = hs || rest.length < 2 ? null : stack([needs[0]!, Math.max(...needs.slice(1)) + 1], P);
    let y = 1;
    if (hs)
      ids.forEach((id, i) => {
        slots.push({ rect: { x, y, w, h: hs[i]! }, shown: id, tabs: [id] });
        y += hs[i]!;
      });
    else if (split) {
      slots.push({ rect: { x, y, w, h: split[0]! }, shown: ids[0]!, tabs: [ids[0]!] });
      slots.push({ rect: { x, y: y + split[0]!, w, h: split[1]! }, shown: o.tab(rest), tabs: rest });
    } else slots.push({ rect: { x, y: 1, w, h: P }, shown: o.tab(ids), tabs: ids });
    x += w;
  });

  const outY = 1 + P;
  const outH = rest - P;
  const stripRows = o.strip > 0 ? Math.min(o.strip, Math.max(0, outH - 1 - 2)) : 0;
  return {
    cols,
    rows,
    tooSmall,
    header: { x: 0, y: 0, w: cols, h: 1 },
    slots,
    rules,
    panels: { x: 0, y: 1, w: cols, h: P },
    output: { x: 0, y: outY, w: cols, h: outH },
    strip: stripRows > 0 ? { x: 0, y: outY + 1, w: cols, h: stripRows } : null,
    bar: { x: 0, y: outY + outH, w: cols, h: barRows },
    prompt: promptRows ? { x: 0, y: outY + outH + barRows, w: cols, h: 1 } : null,
  };
}

/** The pane at a cell of the screen (for the mouse), or null. */
export function paneAt(L: ScreenLayout, x: number, y: number): { pane: PaneId; row: number } | null {
  const o = L.output;
  if (y >= o.y && y < o.y + o.h) return { pane: 'output', row: y - o.y };
  for (const s of L.slots) {
    const r = s.rect;
    if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return { pane: s.shown, row: y - r.y };
  }
  return null;
}

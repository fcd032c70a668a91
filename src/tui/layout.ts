// How the screen is shared, at every size from 80x24 to 240x70. Top to bottom: the header, the panels,
// the output pane (its rule line first; while a mechanism plays, the animation strip at its top), the
// hint bar and the prompt. The console draws rows - 1 lines: ink keeps the row under its output for the
// cursor, so it never scrolls the alternate screen.
//
// The panels take the rows their content wants, up to what leaves the output pane a third of the
// screen; the output pane gets the rest. The pVM tree is the first column; the other panels share one
// column (below 160 columns) or two. Panels in a column are stacked when each gets at least MIN_PANEL
// rows, else the column shows one of them at a time with the others named as tabs in its title (a panel
// is focused, and so shown, with Tab or Alt+1..6). Nothing is left out without saying so.

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
export const TOO_SMALL = `terminal too small (need ${MIN_COLS}x${MIN_ROWS})`;

export const PANEL_IDS = ['tree', 'sharing', 'libs', 'ipc', 'sched'] as const;
export type PanelId = (typeof PANEL_IDS)[number];
export type PaneId = PanelId | 'output';

/** Rows of a stacked panel at least (its title and three lines). */
export const MIN_PANEL = 5;
/** Columns of three from this width. */
const THREE_COLUMNS = 160;

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

/** Split the non-tree panels into `n` columns in order, as evenly as their count allows. */
function columnsOf(ids: PanelId[], n: number): PanelId[][] {
  if (n <= 1 || ids.length <= 1) return [ids];
  const first = Math.ceil(ids.length / 2);
  return [ids.slice(0, first), ids.slice(first)];
}

/** Heights of panels stacked in `h` rows (each with its title), or null when they cannot all have MIN_PANEL. */
function stack(needs: number[], h: number): number[] | null {
  const want = needs.map((n) => n + 1);
  const sum = want.reduce((a, b) => a + b, 0);
  if (sum <= h) {
    want[want.length - 1]! += h - sum;
    return want;
  }
  const min = want.map((w) => Math.min(w, MIN_PANEL));
  let left = h - min.reduce((a, b) => a + b, 0);
  if (left < 0) return null;
  const out = [...min];
  const deficit = want.map((w, i) => w - min[i]!);
  const total = deficit.reduce((a, b) => a + b, 0);
  for (let i = 0; i < out.length; i++) {
    const add = total > 0 ? Math.floor((deficit[i]! * left) / total) : 0;
    out[i]! += add;
  }
  left = h - out.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % out.length)
    if (out[i]! < want[i]!) {
      out[i]!++;
      left--;
    } else if (out.every((o, k) => o >= want[k]!)) {
      out[out.length - 1]! += left;
      left = 0;
    }
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
  const others = o.panels.filter((p) => p.id !== 'tree');
  const tree = o.panels.find((p) => p.id === 'tree');
  const ncols = cols >= THREE_COLUMNS && others.length >= 2 ? 3 : others.length > 0 ? 2 : 1;
  const groups = columnsOf(
    others.map((p) => p.id),
    ncols - 1,
  );
  // Column widths: the tree as wide as its rows want, within a share of the screen.
  const rulesN = ncols - 1;
  const [lo, hi] = ncols === 3 ? [0.26, 0.36] : ncols === 2 ? [0.36, 0.5] : [1, 1];
  const treeW = ncols === 1 ? cols : clamp(o.treeWidth, Math.floor(cols * lo), Math.floor(cols * hi));
  const restW = cols - treeW - rulesN;
  const widths = [
    treeW,
    ...groups.map((_, i) => Math.floor(restW / groups.length) + (i === 0 ? restW % groups.length : 0)),
  ];

  // Rows: what the columns' panels want at their widths (content starts one cell in).
  const needs = new Map<PanelId, number>();
  groups.forEach((g, c) => {
    for (const id of g) needs.set(id, o.panels.find((p) => p.id === id)?.need(widths[c + 1]! - 1) ?? 0);
  });
  const needOf = (id: PanelId): number => needs.get(id) ?? 0;
  const colNeed = groups.map((g) => g.reduce((s, id) => s + needOf(id) + 1, 0));
  const pNeed = Math.max((tree?.need(treeW - 1) ?? 0) + 1, ...colNeed);
  const P = clamp(pNeed, Math.min(MIN_PANEL + 2, pMax), pMax);

  const slots: Slot[] = [];
  const rules: number[] = [];
  let x = 0;
  widths.forEach((w, c) => {
    if (c > 0) rules.push(x++);
    if (c === 0) slots.push({ rect: { x, y: 1, w, h: P }, shown: 'tree', tabs: ['tree'] });
    else {
      const ids = groups[c - 1]!;
      const hs = stack(ids.map(needOf), P);
      if (hs) {
        let y = 1;
        ids.forEach((id, i) => {
          slots.push({ rect: { x, y, w, h: hs[i]! }, shown: id, tabs: [id] });
          y += hs[i]!;
        });
      } else slots.push({ rect: { x, y: 1, w, h: P }, shown: o.tab(ids), tabs: ids });
    }
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

// The console's panels, each a pure function from the model to lines (no React: the console lays the
// screen out itself, layout.ts). A panel says whether it has something real to show (`available`) and
// how many rows it would like (`need`); it draws the rows it is given, and when its content is longer it
// shows a window of it with `… N more` on its last row and `↑N` in its title, so nothing is dropped
// silently. To add one: write src/tui/panels/<name>.ts exporting a Panel, list it in panels/index.ts and
// its id in layout.ts's PANEL_IDS. A panel reads what it shows from the engine or a command's data.

import type { PanelId } from '../layout.js';
import { type Line, LineBuilder, paint } from '../line.js';
import type { ConsoleModel } from '../model.js';

export interface PanelCtx {
  model: ConsoleModel;
  /** Cells of content across. */
  width: number;
  /** Rows of content (the title row not counted). */
  rows: number;
  focused: boolean;
  /** The first content row asked for (scrolling); the panel keeps it in range. */
  scroll: number;
}

export interface PanelView {
  title: string;
  /** Right of the title: what is out of view, a legend. */
  note: string;
  lines: Line[];
  /** Content rows in all, and the first one shown (for the title's ↑N and for scrolling). */
  total: number;
  first: number;
  /** For each line shown, the pVM it is about (a click selects it), when the panel lists pVMs. */
  domids?: (number | null)[];
}

export interface Panel {
  id: PanelId;
  /** The panel's name in a tab strip and in help. */
  tab: string;
  available(m: ConsoleModel): boolean;
  /** What it draws changes when the selection moves (else its lines are kept across moves). */
  followsSelection: boolean;
  /** Content rows it would like at `width` cells of content. */
  need(m: ConsoleModel, width: number): number;
  view(ctx: PanelCtx): PanelView;
}

/**
 * A window of `rows` of `all`, from `first` (kept in range): when more follows, the last row says how
 * many. Returns the lines and the first row actually shown.
 */
export function windowOf(
  all: readonly Line[],
  rows: number,
  first: number,
  width: number,
): { lines: Line[]; first: number } {
  if (all.length <= rows) return { lines: [...all], first: 0 };
  const top = Math.max(0, Math.min(first, all.length - rows));
  const end = top + rows;
  if (end >= all.length) return { lines: all.slice(top, end), first: top };
  const lines = all.slice(top, end - 1);
  lines.push(more(all.length - (end - 1), width));
  return { lines, first: top };
}

/** The `… N more` row. */
export function more(n: number, width: number): Line {
  // The short form when the long one would be cut: the count is what must show.
  const long = `… ${n} more (Tab to it, PgDn)`;
  return new LineBuilder(width).add(long.length <= width ? long : `… ${n} more (PgDn)`, paint.dim).done();
}

/** "↑3" when the window starts below the top. */
export function aboveNote(first: number): string {
  return first > 0 ? `↑${first}` : '';
}

// How the terminal's rows are shared. The log (finished lines, printed once through <Static>) scrolls
// at the top; the live area (header, panels, usage hint, prompt) is pinned below it and redrawn by ink.
// The live area is always shorter than the terminal, so ink never falls back to clearing the screen:
// rows = log rows + live rows + the line ink's output ends on.

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
export const TOO_SMALL = `terminal too small (need ${MIN_COLS}x${MIN_ROWS})`;

export interface Layout {
  cols: number;
  rows: number;
  tooSmall: boolean;
  logRows: number;
  liveRows: number;
  /** Rows for the panels: the live area less header, hint and prompt. */
  panelRows: number;
}

/** Lines of the live area that are not panels: the header, the usage hint and the prompt. */
export const CHROME_ROWS = 3;

export function layout(cols: number, rows: number): Layout {
  const tooSmall = cols < MIN_COLS || rows < MIN_ROWS;
  const usable = rows - 1;
  const logRows = Math.floor(usable * 0.3);
  const liveRows = usable - logRows;
  return { cols, rows, tooSmall, logRows, liveRows, panelRows: liveRows - CHROME_ROWS };
}

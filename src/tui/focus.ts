// Which pane the scrolling keys and the mouse wheel move, as htop and k9s do: Tab on an empty line (or
// Shift+Tab) walks the panes, Alt+1..7 goes straight to one, Escape comes back to the output pane.
// Typing always goes to the prompt. Each panel keeps how far it is scrolled; a column too short to stack
// its panels shows the focused one (or the one last focused) and names the others as tabs.

import { type PaneId, type PanelId, PANEL_IDS } from './layout.js';

/** Alt+1..7: the panes in this order. */
export const PANE_ORDER: readonly PaneId[] = ['output', ...PANEL_IDS];

export class Focus {
  pane: PaneId = 'output';
  /** The panel last focused, shown by a tabbed column when focus is elsewhere. */
  private picked: PanelId | null = null;
  private scrolls = new Map<PanelId, number>();

  /** Move to the next (1) or previous (-1) of the panes shown now. */
  cycle(shown: readonly PaneId[], dir: 1 | -1): void {
    const list = PANE_ORDER.filter((p) => shown.includes(p));
    const at = list.indexOf(this.pane);
    this.set(list[(at + dir + list.length) % list.length] ?? 'output');
  }

  set(pane: PaneId): void {
    this.pane = pane;
    if (pane !== 'output') this.picked = pane;
  }

  /** The panel a tabbed column shows: the focused one, else the one last focused, else its first. */
  tabFor(ids: readonly PanelId[]): PanelId {
    if (this.pane !== 'output' && ids.includes(this.pane)) return this.pane;
    if (this.picked && ids.includes(this.picked)) return this.picked;
    return ids[0]!;
  }

  /** The first row a panel is asked to show; -1 lets the panel choose (the sharing panel: around the selected pVM). */
  scrollOf(id: PanelId): number {
    return this.scrolls.get(id) ?? (id === 'sharing' ? -1 : 0);
  }

  /** Scroll a panel by `n` rows from where it is drawn now; the panel keeps the value in range. */
  scrollBy(id: PanelId, n: number, range: { first: number; total: number; rows: number } | undefined): void {
    const from = range ? range.first : Math.max(0, this.scrollOf(id));
    const max = range ? Math.max(0, range.total - range.rows) : Number.MAX_SAFE_INTEGER;
    this.scrolls.set(id, Math.max(0, Math.min(max, from + n)));
  }

  /** Back to the panel's own choice of rows (the selection moved). */
  unscroll(id: PanelId): void {
    this.scrolls.delete(id);
  }
}

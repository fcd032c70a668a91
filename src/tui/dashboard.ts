// The dashboard (`top` in the console, `kylinx-sh top` in a terminal): a blessed-contrib screen with
// xentop's table and the families as a tree on top, host memory shared vs private over virtual time and
// Rss per pVM in the middle, the event log across the bottom. It follows the console's model, so with
// `clock on` its time, table and charts move as the clock runs (redrawn at most every REDRAW_MS); `q`
// (or Escape) returns. blessed-contrib widgets do not lay themselves out again on resize, so a resize
// builds them again. Without colour (NO_COLOR, --no-color) nothing is drawn in colour and the memory
// chart is two labelled sparklines, since two lines of one colour could not be told apart.

import blessed from 'blessed';
import contrib, { type LineChart, type Log, type Table, type Tree } from 'blessed-contrib';
import { dashboardData, type DashboardData, familyTree } from './dashboard-data.js';
import { scaledSparkline, size, wrap } from './format.js';
import { narrow } from './line.js';
import type { ConsoleModel } from './model.js';

export interface DashboardOptions {
  color: boolean;
}

const REDRAW_MS = 150;
const LOG_KEPT = 200;

interface Widgets {
  table: Table;
  tree: Tree;
  line: LineChart | null;
  memText: blessed.Widgets.BoxElement | null;
  rss: blessed.Widgets.BoxElement;
  log: Log;
}

/** Rss per pVM as bars of one scale, names whole: as many as the box holds, then how many more. */
function rssText(d: DashboardData, width: number, rows: number): string {
  const nameW = Math.min(24, Math.max(4, ...d.rss.titles.map((t) => t.length)));
  const bar = Math.max(4, width - nameW - 10);
  const top = Math.max(1, ...d.rss.mib);
  const n = d.rss.titles.length;
  const shown = n > rows ? rows - 1 : n;
  const lines = d.rss.titles
    .slice(0, shown)
    .map(
      (t, i) =>
        `${t.padEnd(nameW)} ${'█'.repeat(Math.max(0, Math.round(((d.rss.mib[i] ?? 0) / top) * bar))).padEnd(bar)} ${size((d.rss.mib[i] ?? 0) * 1024)}`,
    );
  if (shown < n) lines.push(`… ${n - shown} more`);
  return lines.join('\n');
}

/** The memory chart without colour: two sparklines on one scale, named, with the times they span. */
function memoryText(d: DashboardData, width: number): string {
  const room = Math.max(4, width - 18);
  const m = d.memory;
  const top = Math.max(1, ...m.shared.map((v, i) => v + (m.private[i] ?? 0)));
  const line = (name: string, v: number[]): string =>
    `${name.padEnd(8)}${scaledSparkline(v, top, room)} ${(v[v.length - 1] ?? 0).toFixed(1)}M`;
  return [
    line('shared', m.shared),
    line('private', m.private),
    `${'t'.padEnd(8)}${m.x[Math.max(0, m.x.length - room)] ?? ''} … ${m.x[m.x.length - 1] ?? ''}`,
  ].join('\n');
}

function build(screen: blessed.Widgets.Screen, o: DashboardOptions, d: DashboardData): Widgets {
  for (const child of [...screen.children]) child.destroy();
  // Without colour every widget draws in the terminal's default ('normal' for blessed-contrib's canvas,
  // whose 'default' would print as a broken escape code).
  const c = (name: string) => (o.color ? name : 'default');
  const canvas = (name: string) => (o.color ? name : 'normal');
  const border = { type: 'line', fg: c('cyan') };
  // The grid draws every widget's border in its `color` (cyan unless told).
  const grid = new contrib.grid({ rows: 12, cols: 12, screen, color: c('cyan') });
  // Below 150 columns xentop's table takes the whole width (its nine columns need about 80); the tree
  // joins the charts' row.
  const wide = Number(screen.width) >= 150;
  const table = grid.set(0, 0, 5, wide ? 8 : 12, contrib.table, {
    label: ' xentop ',
    keys: false,
    interactive: false,
    fg: c('white'),
    border,
    // blessed-contrib pads a cell with columnSpacing - 1 spaces: 2 gives one space between columns.
    columnSpacing: wide ? 3 : 2,
    columnWidth: d.table.headers.map((h, i) =>
      Math.min(i === 0 ? 16 : 10, Math.max(h.length, ...d.table.rows.map((r) => (r[i] ?? '').length))),
    ),
  });
  const treeAt: [number, number, number, number] = wide ? [0, 8, 5, 4] : [5, 8, 4, 4];
  // Nothing is selected in a tree no key moves through: no highlighted first row.
  const tree = grid.set(...treeAt, contrib.tree, {
    label: ' families ',
    fg: c('green'),
    selectedBg: 'default',
    selectedFg: c('green'),
    border,
    template: { lines: true },
  });
  const [memCols, rssAt] = wide ? [6, 6] : [4, 4];
  // A label longer than its box spills into the box: the short one on narrow screens.
  const memLabel = wide ? ' host memory, MiB, over virtual time ' : ' memory MiB ';
  const line = o.color
    ? grid.set(5, 0, 4, memCols, contrib.line, {
        label: memLabel,
        showLegend: true,
        legend: { width: 11 },
        wholeNumbersOnly: false,
        border,
        style: { line: canvas('yellow'), text: canvas('green'), baseline: canvas('white') },
      })
    : null;
  const memText = o.color ? null : grid.set(5, 0, 4, memCols, blessed.box, { label: memLabel, border, tags: false });
  const rss = grid.set(5, rssAt, 4, wide ? 6 : 4, blessed.box, { label: ' Rss per pVM ', border, tags: false });
  const log = grid.set(9, 0, 3, 12, contrib.log, {
    label: ' events (q returns) ',
    fg: c('white'),
    border,
    tags: false,
  });
  return { table, tree, line, memText, rss, log };
}

/** Where the xentop table is scrolled to (↑/↓ move it when its pVMs do not all fit). */
interface Scroll {
  first: number;
}

/**
 * xentop's rows from `scroll.first` in the table's room (its box less borders and header); rows out of
 * view are counted on the first or last line shown, never dropped silently.
 */
function tableRows(rows: readonly string[][], room: number, scroll: Scroll): string[][] {
  if (rows.length <= room) {
    scroll.first = 0;
    return [...rows];
  }
  // The last start that still fills the room under its `↑ N more` line.
  scroll.first = Math.max(0, Math.min(scroll.first, rows.length - (room - 1)));
  const first = scroll.first;
  const out: string[][] = first > 0 ? [[`↑ ${first} more`]] : [];
  const left = room - out.length;
  if (first + left >= rows.length) return [...out, ...rows.slice(first)];
  const shown = Math.max(0, left - 1);
  return [...out, ...rows.slice(first, first + shown), [`↓ ${rows.length - first - shown} more`]];
}

/** Put the model's figures into the widgets; events are appended from `logged` on. Returns the events logged. */
function update(
  screen: blessed.Widgets.Screen,
  w: Widgets,
  model: ConsoleModel,
  logged: number,
  scroll: Scroll,
): number {
  const rssRows = Math.max(1, Number(w.rss.height) - 2);
  const d = dashboardData(model, Number.MAX_SAFE_INTEGER, LOG_KEPT);
  w.table.setLabel(` ${d.table.title} · ${d.now} `);
  // blessed-contrib's table holds its box less two border lines and two header lines.
  const room = Math.max(1, Number(w.table.height) - 4);
  w.table.setData({ headers: d.table.headers, data: tableRows(d.table.rows, room, scroll) });
  w.tree.setData(familyTree(model.snapshot.rows, Math.max(2, Number(w.tree.height) - 3)));
  if (w.line)
    w.line.setData([
      { title: 'shared', x: d.memory.x, y: d.memory.shared, style: { line: 'green' } },
      { title: 'private', x: d.memory.x, y: d.memory.private, style: { line: 'yellow' } },
    ]);
  if (w.memText) w.memText.setContent(memoryText(d, Number(w.memText.width) - 2));
  w.rss.setContent(rssText(d, Number(w.rss.width) - 2, rssRows));
  // Events are wrapped to the log's width so none is cut; only those not logged yet are added.
  const fresh = model.eventCount - logged;
  const width = Math.max(10, Number(w.log.width) - 3);
  for (const l of d.log.slice(Math.max(0, d.log.length - fresh)))
    for (const piece of wrap(narrow(l), width, 4)) w.log.log(piece);
  screen.render();
  return model.eventCount;
}

/** Show the dashboard until q; resolves when the terminal is given back. */
export function runDashboard(model: ConsoleModel, o: DashboardOptions): Promise<void> {
  return new Promise((resolve) => {
    const screen = blessed.screen({
      smartCSR: true,
      fullUnicode: true,
      title: 'kylinx-sh top',
      input: process.stdin,
      output: process.stdout,
      warnings: false,
    });
    let w = build(screen, o, dashboardData(model, 0, 0));
    // Every event so far goes in the log at first.
    const scroll: Scroll = { first: 0 };
    let logged = update(screen, w, model, model.eventCount - Math.min(LOG_KEPT, model.events.length), scroll);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const follow = model.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = null;
        logged = update(screen, w, model, logged, scroll);
      }, REDRAW_MS);
    });
    const done = (): void => {
      follow();
      if (timer) clearTimeout(timer);
      screen.destroy();
      resolve();
    };
    screen.key(['q', 'escape', 'C-c', 'C-d'], done);
    const move = (by: number) => (): void => {
      scroll.first = Math.max(0, scroll.first + by);
      logged = update(screen, w, model, logged, scroll);
    };
    screen.key(['down', 'j'], move(1));
    screen.key(['up', 'k'], move(-1));
    screen.on('resize', () => {
      w = build(screen, o, dashboardData(model, 0, 0));
      logged = update(screen, w, model, model.eventCount - Math.min(LOG_KEPT, model.events.length), scroll);
    });
  });
}

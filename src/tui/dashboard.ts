// The dashboard (`top` in the console, `kylinx-sh top` in a terminal): a blessed-contrib screen with
// xentop's table, host memory shared vs private over the last commands, Rss per pVM, the families as a
// tree and the event log. `q` (or Escape) returns. blessed-contrib widgets do not re-lay themselves out
// on resize, so every resize builds them again from the same data.

import blessed from 'blessed';
import contrib from 'blessed-contrib';
import { dashboardData } from './dashboard-data.js';
import type { ConsoleModel } from './model.js';

export interface DashboardOptions {
  color: boolean;
}

const BAR_WIDTH = 6;
const BAR_SPACING = 3;

function build(screen: blessed.Widgets.Screen, model: ConsoleModel, o: DashboardOptions): void {
  for (const child of [...screen.children]) child.destroy();
  const c = (name: string) => (o.color ? name : 'default');
  const border = { type: 'line', fg: c('cyan') };
  const grid = new contrib.grid({ rows: 12, cols: 12, screen });
  const cols = Number(screen.width);
  const barCols = Math.floor((cols * 4) / 12);
  const maxBars = Math.max(1, Math.floor((barCols - 4) / (BAR_WIDTH + BAR_SPACING)));
  const d = dashboardData(model, maxBars, 200);

  const table = grid.set(0, 0, 6, 8, contrib.table, {
    label: ` ${d.table.title} `,
    keys: false,
    interactive: false,
    fg: c('white'),
    border,
    columnSpacing: 2,
    columnWidth: d.table.headers.map((h, i) =>
      Math.min(i === 0 ? 16 : 10, Math.max(h.length, ...d.table.rows.map((r) => (r[i] ?? '').length))),
    ),
  });
  table.setData({ headers: d.table.headers, data: d.table.rows });

  const tree = grid.set(0, 8, 6, 4, contrib.tree, {
    label: ' families ',
    fg: c('green'),
    border,
    template: { lines: true },
  });
  tree.setData(d.tree);

  const line = grid.set(6, 0, 6, 4, contrib.line, {
    label: ' host memory, MiB (per command) ',
    showLegend: true,
    legend: { width: 12 },
    wholeNumbersOnly: false,
    border,
    style: { line: c('yellow'), text: c('green'), baseline: c('white') },
  });
  line.setData([
    { title: 'shared', x: d.memory.x, y: d.memory.shared, style: { line: c('green') } },
    { title: 'private', x: d.memory.x, y: d.memory.private, style: { line: c('yellow') } },
  ]);

  const bar = grid.set(6, 4, 6, 4, contrib.bar, {
    label: ' Rss per pVM, MiB ',
    barWidth: BAR_WIDTH,
    barSpacing: BAR_SPACING,
    xOffset: 1,
    maxHeight: 9,
    border,
    barBgColor: c('blue'),
  });
  bar.setData({ titles: d.rss.titles.map((t) => t.slice(0, BAR_WIDTH + BAR_SPACING - 1)), data: d.rss.mib });

  const log = grid.set(6, 8, 6, 4, contrib.log, { label: ' events (q returns) ', fg: c('white'), border });
  for (const l of d.log) log.log(l);
  screen.render();
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
    const done = (): void => {
      screen.destroy();
      resolve();
    };
    screen.key(['q', 'escape', 'C-c', 'C-d'], done);
    screen.on('resize', () => build(screen, model, o));
    build(screen, model, o);
  });
}

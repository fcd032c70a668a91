// The pVM tree: every family under Domain-0 as `tree` prints it (treeRows), with xl's state letters,
// Rss, Pss and the share of pages still shared with the parent. New pVMs are marked `+` for one
// command; zombies say so; the selected row (PgUp/PgDn) is marked `›` and scrolled into view.

import chalk from 'chalk';
import { memo, useMemo } from 'react';
import type { TreeRow } from '../../commands/inspect.js';
import { DOM0 } from '../../engine/domain.js';
import { fit, size } from '../format.js';
import { type Line, LineBuilder, line, paint } from '../line.js';
import { contentRows, Frame, innerWidth } from './frame.js';
import type { Panel, PanelProps } from './registry.js';

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

function rowLine(r: TreeRow, o: { selected: boolean; fresh: boolean; labelW: number; max: number }): Line {
  const { selected, fresh, labelW, max } = o;
  const mark = selected ? '›' : fresh ? '+' : ' ';
  const stateColor = r.zombie
    ? paint.red
    : r.state.startsWith('r')
      ? paint.green
      : r.state.includes('p')
        ? paint.yellow
        : undefined;
  const mem =
    r.domid === DOM0
      ? ''.padEnd(NUM_W * 2 + 1)
      : `${size(r.rss_kib).padStart(NUM_W)} ${size(r.pss_kib).padStart(NUM_W)}`;
  const b = new LineBuilder(max)
    .add(mark)
    .add(fit(`${r.prefix}${r.name} (${r.domid})`, labelW))
    .add(' ')
    .add(r.state.padEnd(STATE_W), stateColor)
    .add(` ${mem} `)
    .add(share(r).padStart(6), r.zombie ? paint.red : paint.cyan);
  return b.done(selected ? paint.inverse : fresh ? paint.green : undefined);
}

function TreePanel({ snapshot, selected, width, height, last }: PanelProps) {
  const rows = snapshot.rows;
  const n = contentRows(height) - 1;
  const inner = innerWidth(width, last);
  const at = Math.max(
    0,
    rows.findIndex((r) => r.domid === selected),
  );
  const top = scrollTop(at, n, rows.length);
  const lines = useMemo(() => {
    const labelW = Math.max(10, inner - 1 - (1 + STATE_W + 1 + NUM_W * 2 + 1 + 1 + 6));
    const head = line(
      ` ${fit('name (domid)', labelW)} ${'state'.padEnd(STATE_W)} ${'Rss'.padStart(NUM_W)} ${'Pss'.padStart(NUM_W)} ${'parent'.padStart(6)}`,
      inner,
      paint.dim,
    );
    const shown = rows
      .slice(top, top + n)
      .map((r) =>
        rowLine(r, { selected: r.domid === selected, fresh: snapshot.fresh.has(r.domid), labelW, max: inner }),
      );
    return [head, ...shown];
    // chalk.level is a dependency: the lines are painted when built.
  }, [rows, snapshot.fresh, top, n, selected, inner, chalk.level]);
  const families = useMemo(() => rows.filter((r) => r.depth === 1).length, [rows]);
  const below = Math.max(0, rows.length - top - n);
  const note = `${top > 0 ? `↑${top} ` : ''}${below > 0 ? `↓${below} ` : ''}PgUp/PgDn`;
  return (
    <Frame
      title={`pVMs: ${snapshot.pvms} in ${families} famil${families === 1 ? 'y' : 'ies'}`}
      note={note}
      width={width}
      height={height}
      last={last}
      lines={lines}
    />
  );
}

export const treePanel: Panel = {
  id: 'tree',
  row: 'main',
  grow: 1,
  available: () => true,
  Component: memo(TreePanel),
};

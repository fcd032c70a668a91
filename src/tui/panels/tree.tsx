// The pVM tree: every family under Domain-0 as `tree` prints it (treeRows), with xl's state letters,
// Rss, Pss and the share of pages still shared with the parent. New pVMs are marked `+` for one
// command; zombies say so; the selected row (PgUp/PgDn) is marked `›` and scrolled into view.

import { Text } from 'ink';
import { memo } from 'react';
import type { TreeRow } from '../../commands/inspect.js';
import { DOM0 } from '../../engine/domain.js';
import { fit, size } from '../format.js';
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

function Row({ r, selected, fresh, labelW }: { r: TreeRow; selected: boolean; fresh: boolean; labelW: number }) {
  const mark = selected ? '›' : fresh ? '+' : ' ';
  const label = fit(`${r.prefix}${r.name} (${r.domid})`, labelW);
  const stateColor = r.zombie ? 'red' : r.state.startsWith('r') ? 'green' : r.state.includes('p') ? 'yellow' : undefined;
  const mem = r.domid === DOM0 ? ''.padEnd(NUM_W * 2 + 1) : `${size(r.rss_kib).padStart(NUM_W)} ${size(r.pss_kib).padStart(NUM_W)}`;
  return (
    <Text wrap="truncate" inverse={selected} color={fresh && !selected ? 'green' : undefined}>
      {mark}
      {label} <Text color={stateColor}>{r.state.padEnd(STATE_W)}</Text> {mem} <Text color={r.zombie ? 'red' : 'cyan'}>{share(r).padStart(6)}</Text>
    </Text>
  );
}

function TreePanel({ snapshot, selected, width, height, last }: PanelProps) {
  const rows = snapshot.rows;
  const n = contentRows(height) - 1;
  const at = Math.max(0, rows.findIndex((r) => r.domid === selected));
  const top = scrollTop(at, n, rows.length);
  const shown = rows.slice(top, top + n);
  const inner = innerWidth(width, last);
  const labelW = Math.max(10, inner - 1 - (1 + STATE_W + 1 + NUM_W * 2 + 1 + 1 + 6));
  const families = rows.filter((r) => r.depth === 1).length;
  const below = rows.length - top - shown.length;
  const note = `${top > 0 ? `↑${top} ` : ''}${below > 0 ? `↓${below} ` : ''}PgUp/PgDn`;
  return (
    <Frame title={`pVMs: ${snapshot.pvms} in ${families} famil${families === 1 ? 'y' : 'ies'}`} note={note} width={width} height={height} last={last}>
      <Text wrap="truncate" dimColor>
        {' '}
        {fit('name (domid)', labelW)} {'state'.padEnd(STATE_W)} {'Rss'.padStart(NUM_W)} {'Pss'.padStart(NUM_W)} {'parent'.padStart(6)}
      </Text>
      {shown.map((r) => (
        <Row key={r.domid} r={r} selected={r.domid === selected} fresh={snapshot.fresh.has(r.domid)} labelW={labelW} />
      ))}
    </Frame>
  );
}

export const treePanel: Panel = {
  id: 'tree',
  row: 'main',
  grow: 1,
  available: () => true,
  Component: memo(TreePanel),
};

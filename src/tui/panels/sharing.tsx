// The page-sharing graph of the selected pVM's family: one line per member with the edge from its
// parent weighted by the pages still shared (◀N), a bar of shared (█) vs private (░) memory by smaps,
// the selected pVM's siblings that still map the same frames, and the family's shared pages after
// each of the last commands as a sparkline.

import { Text } from 'ink';
import { memo, useMemo } from 'react';
import { DOM0 } from '../../engine/domain.js';
import { fit, size, sparkline, split } from '../format.js';
import { familyGraph, Member } from '../sharing.js';
import { contentRows, Frame, innerWidth } from './frame.js';
import type { Panel, PanelProps } from './registry.js';

/** Lines under the members: siblings and the sparkline. */
const FOOTER = 2;
const MAX_BAR = 20;

function MemberLine({ m, selected, nameW, edgeW, barW, sizeW }: { m: Member; selected: boolean; nameW: number; edgeW: number; barW: number; sizeW: number }) {
  const name = fit(`${' '.repeat(m.depth)}${m.name}`, nameW);
  const edge = m.edgePages === null ? (m.zombie ? 'exited' : 'root') : `◀${m.edgePages}p ${m.parent}`;
  const [s, p] = split(m.sharedKib, m.privateKib, barW);
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? '›' : ' '}
      {name} <Text color="cyan">{fit(edge, edgeW)}</Text> <Text color="green">{'█'.repeat(s)}</Text>
      <Text color="yellow">{'░'.repeat(p)}</Text>
      {sizeW > 0 ? `${' '.repeat(barW - s - p)} ${size(m.sharedKib)}/${size(m.privateKib)}` : ''}
    </Text>
  );
}

function SharingPanel({ model, snapshot, selected, width, height, last }: PanelProps) {
  const n = Math.max(1, contentRows(height) - FOOTER);
  const graph = useMemo(() => familyGraph(model.shell.hv, snapshot.rows, selected, n), [model, snapshot, selected, n]);
  if (!graph) return null;
  const inner = innerWidth(width, last);
  const nameW = Math.min(16, Math.max(8, ...graph.members.map((m) => m.depth + m.name.length)));
  const edgeW = Math.min(18, Math.max(6, ...graph.members.map((m) => (m.edgePages === null ? 6 : `◀${m.edgePages}p ${m.parent}`.length))));
  let sizeW = 11;
  let barW = inner - 1 - nameW - 1 - edgeW - 1 - sizeW - 1;
  if (barW < 8) {
    sizeW = 0;
    barW = inner - 1 - nameW - 1 - edgeW - 1;
  }
  // Wider bars say nothing more and cost a drawn glyph per cell.
  barW = Math.min(barW, MAX_BAR);
  const series = model.familySeries.get(graph.family) ?? [];
  const now = series[series.length - 1] ?? 0;
  const delta = series.length > 1 ? now - series[series.length - 2]! : 0;
  const sparkW = Math.max(4, inner - 40);
  const sibs = graph.siblings.map((s) => `${s.name} ${s.pages}p`).join(', ');
  const range = graph.size > graph.members.length ? ` ${graph.first + 1}-${graph.first + graph.members.length} of ${graph.size}` : '';
  return (
    <Frame title={`sharing: family ${graph.root} (${graph.size} pVM${graph.size === 1 ? '' : 's'}${range})`} note="█ shared ░ private" width={width} height={height} last={last}>
      {graph.members.map((m) => (
        <MemberLine key={m.domid} m={m} selected={m.domid === selected} nameW={nameW} edgeW={edgeW} barW={Math.max(1, barW)} sizeW={sizeW} />
      ))}
      <Text wrap="truncate" dimColor={graph.siblings.length === 0}>
        {graph.siblings.length > 0 ? `≡ siblings ${sibs}${graph.siblingsMore > 0 ? ` (+${graph.siblingsMore})` : ''}` : `≡ no sibling maps ${graph.selected}'s frames`}
      </Text>
      <Text wrap="truncate">
        family shared pages <Text color="magenta">{sparkline(series, sparkW)}</Text> {now}
        {delta !== 0 ? ` (${delta > 0 ? '+' : ''}${delta})` : ''}
      </Text>
    </Frame>
  );
}

export const sharingPanel: Panel = {
  id: 'sharing',
  row: 'main',
  grow: 1,
  // Something to show once a pVM (not Domain-0) is selected.
  available: (m) => m.selected !== DOM0 && m.shell.hv.domains.has(m.selected),
  Component: memo(SharingPanel),
};

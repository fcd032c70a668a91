// The page-sharing graph of the selected pVM's family (sharingGraph, as `export sharing` gives it): one
// line per member with the edge from its parent weighted by the pages still shared (◀N), a bar of
// shared (█) vs private (░) memory by smaps, the selected pVM's siblings that still map the same
// frames, its libraries and how many pVMs share each one's text, and the family's shared pages after
// each of the last commands as a sparkline.

import chalk from 'chalk';
import { memo, useMemo } from 'react';
import { DOM0 } from '../../engine/domain.js';
import { fit, size, sparkline, split } from '../format.js';
import { type Line, LineBuilder, line, paint } from '../line.js';
import { familyView, type FamilyView, graphOf, type LibShare, librariesByPvm, type Member } from '../sharing.js';
import { contentRows, Frame, innerWidth } from './frame.js';
import type { Panel, PanelProps } from './registry.js';

/** Lines under the members: siblings and the sparkline (libraries add theirs). */
const FOOTER = 2;
const MAX_BAR = 20;
const MAX_LIBS = 3;
const NO_LIBS: LibShare[] = [];

function edgeText(m: Member): string {
  return m.edgePages === null ? (m.zombie ? 'exited' : 'root') : `◀${m.edgePages}p ${m.parent}`;
}

function memberLine(
  m: Member,
  selected: boolean,
  w: { name: number; edge: number; bar: number; size: number },
  max: number,
): Line {
  const [s, p] = split(m.sharedKib, m.privateKib, w.bar);
  const b = new LineBuilder(max)
    .add(selected ? '›' : ' ')
    .add(fit(`${' '.repeat(m.depth)}${m.name}`, w.name))
    .add(' ')
    .add(fit(edgeText(m), w.edge), paint.cyan)
    .add(' ')
    .add('█'.repeat(s), paint.green)
    .add('░'.repeat(p), paint.yellow);
  if (w.size > 0) b.add(`${' '.repeat(w.bar - s - p)} ${size(m.sharedKib)}/${size(m.privateKib)}`);
  return b.done(selected ? paint.inverse : undefined);
}

function siblingsLine(v: FamilyView, max: number): Line {
  if (v.siblings === null)
    return line(
      `≡ siblings: ${v.brood} children of one parent, not compared (more than ${v.siblingLimit}, as export sharing)`,
      max,
      paint.dim,
    );
  if (v.siblings.length === 0) return line(`≡ no sibling maps ${v.selected}'s frames`, max, paint.dim);
  return line(`≡ siblings ${v.siblings.map((s) => `${s.name} ${s.pages}p`).join(', ')}`, max);
}

function libLine(l: LibShare, selected: string, max: number): Line {
  const who = l.pvms === 1 ? `only ${selected}` : `${l.pvms} pVMs share its text`;
  return new LineBuilder(max)
    .add('⊞ ', paint.blue)
    .add(`${l.lib} ${l.version}`, paint.bold)
    .add(`: ${who} (${size(l.textKib)} once)`)
    .done();
}

function sparkLine(series: readonly number[], inner: number): Line {
  const now = series[series.length - 1] ?? 0;
  const delta = series.length > 1 ? now - series[series.length - 2]! : 0;
  return new LineBuilder(inner)
    .add('family shared pages ')
    .add(sparkline(series, Math.max(4, inner - 40)), paint.magenta)
    .add(` ${now}${delta !== 0 ? ` (${delta > 0 ? '+' : ''}${delta})` : ''}`)
    .done();
}

function SharingPanel({ model, snapshot, selected, width, height, last }: PanelProps) {
  const hv = model.shell.hv;
  const family = hv.domains.get(selected)?.family;
  // The graph changes only with the engine (a new snapshot), not when the selection moves in the family.
  const graph = useMemo(() => graphOf(hv, selected), [snapshot, family]);
  // Per engine change, not per selection move: the index of libraries and the rows by domid.
  const libIndex = useMemo(() => librariesByPvm(hv), [snapshot]);
  const byDomid = useMemo(() => new Map(snapshot.rows.map((r) => [r.domid, r])), [snapshot]);
  const libs = libIndex.get(selected) ?? NO_LIBS;
  const inner = innerWidth(width, last);
  const shownLibs = libs.slice(0, MAX_LIBS);
  const n = Math.max(1, contentRows(height) - FOOTER - shownLibs.length);
  const view = useMemo(
    () => (graph ? familyView(hv, graph, byDomid, selected, n) : null),
    [graph, byDomid, selected, n],
  );
  const series = model.familySeries.get(view?.family ?? -1);
  const lines = useMemo(() => {
    if (!view) return [];
    const nameW = Math.min(16, Math.max(8, ...view.members.map((m) => m.depth + m.name.length)));
    const edgeW = Math.min(18, Math.max(6, ...view.members.map((m) => edgeText(m).length)));
    let sizeW = 11;
    let bar = inner - 1 - nameW - 1 - edgeW - 1 - sizeW - 1;
    if (bar < 8) {
      sizeW = 0;
      bar = inner - 1 - nameW - 1 - edgeW - 1;
    }
    // Wider bars say nothing more and cost a drawn glyph per cell.
    const w = { name: nameW, edge: edgeW, bar: Math.max(1, Math.min(bar, MAX_BAR)), size: sizeW };
    return [
      ...view.members.map((m) => memberLine(m, m.domid === selected, w, inner)),
      siblingsLine(view, inner),
      ...shownLibs.map((l) => libLine(l, view.selected, inner)),
      sparkLine(series ?? [], inner),
    ];
    // The series grows in place after each command; a new snapshot comes with each sample.
  }, [view, selected, inner, libs, series, snapshot, chalk.level]);
  if (!view) return null;
  const range =
    view.size > view.members.length ? ` ${view.first + 1}-${view.first + view.members.length} of ${view.size}` : '';
  return (
    <Frame
      title={`sharing: family ${view.root} (${view.size} pVM${view.size === 1 ? '' : 's'}${range})`}
      note="█ shared ░ private"
      width={width}
      height={height}
      last={last}
      lines={lines}
    />
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

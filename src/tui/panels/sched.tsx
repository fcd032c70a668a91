// The scheduler: each pCPU with the vCPU running on it and its run queue, each pCPU's busy share and
// every domain's CPU share over the last interval (the last `run`, or the clock's last step), from
// schedView (src/commands/sched.ts). It appears once virtual time has run.

import chalk from 'chalk';
import { memo, useMemo } from 'react';
import type { PanelVcpu, SchedPanel } from '../../commands/sched.js';
import { durationText } from '../../commands/sched.js';
import { fill, fit } from '../format.js';
import { type Line, LineBuilder, paint } from '../line.js';
import { contentRows, Frame, innerWidth } from './frame.js';
import type { Panel, PanelProps } from './registry.js';

const BAR = 10;
/** Cells of one pCPU when several share a line. */
const CELL = 24;

function who(v: PanelVcpu): string {
  return `${v.name} v${v.vcpu}`;
}

type Pcpu = SchedPanel['pcpus'][number];

/** One pCPU a line: what runs on it (vCPU and the policy's label for it), how busy it was, its run queue by name. */
function pcpuLine(p: Pcpu, max: number): Line {
  const b = new LineBuilder(max).add(`pCPU${p.cpu} `, paint.bold);
  if (p.running) b.add('▶', paint.green).add(fit(`${who(p.running)} ${p.running.label}`, 17));
  else b.add(' ').add(fit('idle', 17), paint.dim);
  if (p.busy_pct !== null) b.add(` ${p.busy_pct.toFixed(1).padStart(5)}%`);
  b.add(` q${p.runq_len}`, p.runq_len > 0 ? paint.yellow : paint.dim);
  if (p.runq.length > 0) b.add(`: ${p.runq.map(who).join(', ')}`);
  return b.done();
}

/** A pCPU in CELL columns, for the grid used when one a line would not leave room for the shares. */
function pcpuCell(p: Pcpu): Line {
  const b = new LineBuilder(CELL).add(`${p.cpu}`.padStart(2), paint.bold);
  if (p.running) b.add('▶', paint.green).add(fit(who(p.running), 10));
  else b.add(' ').add(fit('idle', 10), paint.dim);
  if (p.busy_pct !== null) b.add(` ${p.busy_pct.toFixed(1).padStart(5)}%`);
  return b.add(` q${p.runq_len}`, p.runq_len > 0 ? paint.yellow : paint.dim).done();
}

/** pCPUs one a line when there is room for them and some shares, else as a grid of cells. */
function pcpuLines(pcpus: readonly Pcpu[], max: number, rows: number): Line[] {
  if (pcpus.length + 3 <= rows) return pcpus.map((p) => pcpuLine(p, max));
  const per = Math.max(1, Math.floor((max + 2) / (CELL + 2)));
  const out: Line[] = [];
  for (let i = 0; i < pcpus.length; i += per) {
    const b = new LineBuilder(max);
    for (let c = 0; c < per && i + c < pcpus.length; c++) b.padTo(c * (CELL + 2)).addLine(pcpuCell(pcpus[i + c]!));
    out.push(b.done());
  }
  return out;
}

function shareLine(s: SchedPanel['shares'][number], nameW: number, max: number): Line {
  // A bar of one pCPU (100%); a domain with several vCPUs can pass it, the number says by how much.
  const [f, e] = fill(s.cpu_pct / 100, BAR);
  return new LineBuilder(max)
    .add(fit(s.name, nameW))
    .add(` ${s.cpu_pct.toFixed(1).padStart(6)}% `)
    .add('█'.repeat(f), paint.green)
    .add('░'.repeat(e), paint.dim)
    .done();
}

function SchedPanelView({ snapshot, width, height, last }: PanelProps) {
  const v = snapshot.sched;
  const inner = innerWidth(width, last);
  const rows = contentRows(height);
  const lines = useMemo(() => {
    if (!v) return [];
    const out = pcpuLines(v.pcpus, inner, rows).slice(0, Math.max(1, rows - 1));
    const room = rows - out.length - 1;
    const busy = v.shares.filter((s) => s.cpu_pct > 0);
    if (room > 0) {
      out.push(
        new LineBuilder(inner)
          .add(
            busy.length > 0 ? 'CPU share of one pCPU over the interval:' : 'no domain used CPU over the interval',
            paint.dim,
          )
          .done(),
      );
      const nameW = Math.min(16, Math.max(6, ...busy.map((s) => s.name.length)));
      // Two columns of shares when the panel is wide enough.
      const cols = inner >= 2 * (nameW + 20) + 2 ? 2 : 1;
      const colW = Math.floor(inner / cols);
      const shown = busy.slice(0, (room - 1) * cols);
      for (let i = 0; i < shown.length; i += cols) {
        const b = new LineBuilder(inner);
        for (let c = 0; c < cols && i + c < shown.length; c++) {
          const l = shareLine(shown[i + c]!, nameW, colW - 1);
          b.padTo(c * colW).addLine(l);
        }
        out.push(b.done());
      }
      if (busy.length > shown.length && out.length < rows)
        out.push(new LineBuilder(inner).add(`… ${busy.length - shown.length} more (top -b)`, paint.dim).done());
    }
    return out;
  }, [v, inner, rows, chalk.level]);
  if (!v) return null;
  const span = v.interval ? `interval: last ${durationText(v.interval.end_ns - v.interval.start_ns)}` : 'no run yet';
  return (
    <Frame
      title={`scheduler: ${v.pcpus.length} pCPUs, ${v.scheduler}`}
      note={span}
      width={width}
      height={height}
      last={last}
      lines={lines}
    />
  );
}

export const schedPanel: Panel = {
  id: 'sched',
  row: 'extra',
  grow: 1,
  available: (m) => m.snapshot.sched !== null,
  Component: memo(SchedPanelView),
};

// The scheduler: each pCPU with the vCPU running on it (and the policy's word for it), how busy it was
// over the interval and its run queue; then every domain's CPU over the interval as a share of one pCPU,
// in domid order so rows never jump while the clock runs, two columns when the panel is wide. From
// schedView (src/commands/sched.ts); it appears once virtual time has run. Longer than the panel, it
// scrolls (focus it with Tab).

import type { PanelVcpu, SchedPanel } from '../../commands/sched.js';
import { durationText } from '../../commands/sched.js';
import { fill, fit } from '../format.js';
import { type Line, LineBuilder, paint } from '../line.js';
import type { ConsoleModel } from '../model.js';
import { aboveNote, type Panel, type PanelCtx, type PanelView, windowOf } from './registry.js';

const BAR = 10;
/** Cells of one pCPU when several share a line. */
const CELL = 26;

type Pcpu = SchedPanel['pcpus'][number];

function who(v: PanelVcpu): string {
  return `${v.name} v${v.vcpu}`;
}

/** One pCPU a line: what runs on it and its label, how busy it was, its run queue by name. */
function pcpuLine(p: Pcpu, max: number): Line {
  const b = new LineBuilder(max).add(`pCPU${p.cpu} `, paint.bold);
  if (p.running) b.add('▶', paint.ok).add(fit(`${who(p.running)} ${p.running.label}`, 20));
  else b.add(' ').add(fit('idle', 20), paint.dim);
  if (p.busy_pct !== null) b.add(` ${p.busy_pct.toFixed(1).padStart(5)}%`);
  b.add(` q${p.runq_len}`, p.runq_len > 0 ? paint.warn : paint.dim);
  if (p.runq.length > 0) b.add(`: ${p.runq.map(who).join(', ')}`);
  return b.done();
}

/** A pCPU in CELL columns, for the grid used when the panel is short. */
function pcpuCell(p: Pcpu): Line {
  const b = new LineBuilder(CELL).add(`${p.cpu}`.padStart(2), paint.bold);
  if (p.running) b.add('▶', paint.ok).add(fit(who(p.running), 11));
  else b.add(' ').add(fit('idle', 11), paint.dim);
  if (p.busy_pct !== null) b.add(` ${p.busy_pct.toFixed(1).padStart(5)}%`);
  return b.add(` q${p.runq_len}`, p.runq_len > 0 ? paint.warn : paint.dim).done();
}

function pcpuLines(pcpus: readonly Pcpu[], max: number, grid: boolean): Line[] {
  if (!grid) return pcpus.map((p) => pcpuLine(p, max));
  const per = Math.max(1, Math.floor((max + 2) / (CELL + 2)));
  const out: Line[] = [];
  for (let i = 0; i < pcpus.length; i += per) {
    const b = new LineBuilder(max);
    for (let c = 0; c < per && i + c < pcpus.length; c++) b.padTo(c * (CELL + 2)).addLine(pcpuCell(pcpus[i + c]!));
    out.push(b.done());
  }
  return out;
}

interface Share {
  name: string;
  domid: number;
  pct: number | null;
}

/** Every live domain with its share over the interval (null: created after it), in domid order. */
function shares(m: ConsoleModel, v: SchedPanel): Share[] {
  const by = new Map(v.shares.map((s) => [s.domid, s.cpu_pct]));
  return m.snapshot.rows
    .filter((r) => !r.zombie)
    .map((r) => ({ name: r.name, domid: r.domid, pct: by.get(r.domid) ?? null }))
    .sort((a, b) => a.domid - b.domid);
}

function shareLine(s: Share, nameW: number, max: number): Line {
  // A bar of one pCPU (100%); a domain with several vCPUs can pass it, the number says by how much.
  const [f, e] = fill((s.pct ?? 0) / 100, BAR);
  return new LineBuilder(max)
    .add(fit(s.name, nameW))
    .add(s.pct === null ? '      –  ' : ` ${s.pct.toFixed(1).padStart(6)}% `)
    .add('█'.repeat(f), paint.ok)
    .add('░'.repeat(e), paint.dim)
    .done();
}

function allLines(m: ConsoleModel, v: SchedPanel, width: number, rows: number): Line[] {
  const list = shares(m, v);
  const grid = v.pcpus.length + 1 + Math.min(list.length, 4) > rows;
  const out = pcpuLines(v.pcpus, width, grid);
  out.push(new LineBuilder(width).add('CPU share of one pCPU over the interval (by domid):', paint.dim).done());
  const nameW = Math.min(20, Math.max(6, ...list.map((s) => s.name.length)));
  const perCol = nameW + 20;
  const cols = width >= 2 * perCol + 2 ? 2 : 1;
  const colW = Math.floor(width / cols);
  // Column-major, so reading down a column follows domid order.
  const per = Math.ceil(list.length / cols);
  for (let r = 0; r < per; r++) {
    const b = new LineBuilder(width);
    for (let c = 0; c < cols; c++) {
      const s = list[c * per + r];
      if (s) b.padTo(c * colW).addLine(shareLine(s, nameW, colW - 1));
    }
    out.push(b.done());
  }
  return out;
}

function view(ctx: PanelCtx): PanelView {
  const m = ctx.model;
  const v = m.snapshot.sched;
  if (!v) return { title: 'scheduler', note: '', lines: [], total: 0, first: 0 };
  const all = allLines(m, v, ctx.width, ctx.rows);
  const w = windowOf(all, ctx.rows, ctx.scroll, ctx.width);
  const span = v.interval ? `last ${durationText(v.interval.end_ns - v.interval.start_ns)}` : 'no run yet';
  return {
    title: `scheduler: ${v.pcpus.length} pCPUs, ${v.scheduler}`,
    note: aboveNote(w.first) || span,
    lines: w.lines,
    total: all.length,
    first: w.first,
  };
}

export const schedPanel: Panel = {
  id: 'sched',
  tab: 'sched',
  followsSelection: false,
  available: (m) => m.snapshot.sched !== null,
  need: (m, width) => {
    const v = m.snapshot.sched;
    return v ? allLines(m, v, width, Number.MAX_SAFE_INTEGER).length : 0;
  },
  view,
};

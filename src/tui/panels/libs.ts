// Libraries: every library version loaded on the host (`libs`' data), its text held once however many
// pVMs link it (and what that saves), and under it each pVM linking that version with how many of its
// GOT slots are bound — lazy binding shows as the count growing with each first call. While an update
// plays, its stage, and whether the pVM is serving or paused, head the panel.

import { loadedLibraries } from '../../commands/libs.js';
import { size } from '../format.js';
import { type Line, LineBuilder, narrow, paint } from '../line.js';
import type { ConsoleModel } from '../model.js';
import { aboveNote, type Panel, type PanelCtx, type PanelView, windowOf } from './registry.js';

type Loaded = ReturnType<typeof loadedLibraries>[number];

function bound(m: ConsoleModel, domid: number, lib: string): string {
  const d = m.shell.hv.domains.get(domid);
  const l = d ? m.shell.hv.dl.find(d, lib) : undefined;
  if (!l) return '?';
  let n = 0;
  for (const b of l.got) n += b;
  return `${n}/${l.got.length}`;
}

/** Items joined by ' · ' in rows of `width`, never splitting an item (a name from its count). */
function itemRows(items: readonly string[], width: number): string[] {
  const rows: string[] = [];
  let row = ' ';
  for (const it of items) {
    const next = row === ' ' ? ` ${it}` : `${row} · ${it}`;
    if (next.length <= width || row === ' ') row = next;
    else {
      rows.push(row);
      row = `  ${it}`;
    }
  }
  rows.push(row);
  return rows;
}

function libLines(m: ConsoleModel, l: Loaded, width: number): Line[] {
  const users = l.users.length;
  const count = ` · ${users} pVM${users === 1 ? '' : 's'}`;
  const name = `${l.lib} ${l.version}`;
  // The count of pVMs before the text size, and what sharing saves only when it fits whole.
  const text = `  text ${size(l.text_kib)} ${width >= 44 ? 'held once' : 'once'}`;
  const saving = l.saved_frames > 0 ? ` · saves ${size(l.saved_frames * 4)}` : '';
  const saves = name.length + count.length + text.length + saving.length <= width ? saving : '';
  const head = new LineBuilder(width)
    .add(name, paint.bold)
    .add(count)
    .add(text, paint.info)
    .add(saves, paint.ok)
    .done();
  const items = l.users.map((u) => narrow(`${u.name} ${bound(m, u.domid, l.lib)}`));
  const body = users === 0 ? ['  (no pVM links it)'] : itemRows(items, width);
  return [head, ...body.map((t) => new LineBuilder(width).add(t).done())];
}

function updateLine(m: ConsoleModel, width: number): Line | null {
  const p = m.animator.playing();
  const a = p?.timeline.animation;
  if (!p?.step || a?.mechanism !== 'update-stages') return null;
  const s = p.step;
  const stage = s.stage === 0 ? 'waiting until quiescent' : `${s.label.replace(/^stage \d /, `stage ${s.stage}/4 `)}`;
  return new LineBuilder(width)
    .add('⟳ ', paint.event)
    .add(`update ${s.pvm}: ${a.lib} `, paint.bold)
    .add(stage)
    .add(s.paused ? '  ∥ paused' : '  ▶ serving', s.paused ? paint.warn : paint.ok)
    .done();
}

function allLines(m: ConsoleModel, width: number): Line[] {
  const out: Line[] = [];
  const u = updateLine(m, width);
  if (u) out.push(u);
  for (const l of m.loadedLibraries()) out.push(...libLines(m, l, width));
  const legend = 'GOT slots bound/all per pVM: a call binds its slot (lazy)';
  out.push(
    new LineBuilder(width)
      .add(legend.length <= width ? legend : 'GOT bound/all: a call binds (lazy)', paint.dim)
      .done(),
  );
  return out;
}

function view(ctx: PanelCtx): PanelView {
  const m = ctx.model;
  const all = allLines(m, ctx.width);
  const w = windowOf(all, ctx.rows, ctx.scroll, ctx.width);
  const n = m.loadedLibraries().length;
  return {
    title: `libraries: ${n} loaded`,
    note: aboveNote(w.first) || 'text once, GOT bound per pVM',
    lines: w.lines,
    total: all.length,
    first: w.first,
  };
}

export const libsPanel: Panel = {
  id: 'libs',
  tab: 'libs',
  followsSelection: false,
  available: (m) => m.loadedLibraries().length > 0,
  need: (m, width) => allLines(m, width).length,
  view,
};

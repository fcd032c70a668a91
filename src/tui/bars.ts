// The screen's fixed lines: the header (host, pVMs, virtual time and the clock, memory), the hint bar
// (the usage of the command being typed, or the keys of the pane in focus), the prompt, and what stands
// in for the hint and the prompt while something else has the keyboard: a script playing, the question
// before it plays, a long run.

import { usageHint } from '../commands/complete.js';
import { durationText } from '../commands/sched.js';
import type { Step } from '../commands/stepper.js';
import { clock, fill, size } from './format.js';
import type { PaneId } from './layout.js';
import { type Line, LineBuilder, paint } from './line.js';
import type { Snapshot } from './model.js';
import { PROMPT } from './outlog.js';

export { PROMPT };

/** The clock as the header shows it: off, or on at a speed. */
export interface ClockState {
  on: boolean;
  speed: number;
}

export function headerLine(s: Snapshot, host: string, width: number, c: ClockState): Line {
  // The long form when it fits whole, else the short one: no figure is ever cut off.
  return header(s, host, width, c, headerText(s, host, c, false).length > width);
}

function headerText(s: Snapshot, host: string, c: ClockState, short: boolean): string {
  const m = s.host;
  const clk = c.on ? `▶ clock ${c.speed}x` : short ? '■ off' : '■ clock off';
  const mem = short
    ? `${size(m.used_kib)} used ${size(m.shared_kib)} shr ${size(m.free_kib)} free`
    : `used ${size(m.used_kib)} shared ${size(m.shared_kib)} free ${size(m.free_kib)} │ sharing saves ${size(m.saved_kib)}`;
  return `kylinx-sh ${host} │ ${s.pvms} pVMs │ ${clock(s.nowNs)} ${clk} │ ${mem}`;
}

function header(s: Snapshot, host: string, width: number, c: ClockState, short: boolean): Line {
  const m = s.host;
  const b = new LineBuilder(width)
    .add('kylinx-sh', paint.brand)
    .add(` ${host} │ `)
    .add(String(s.pvms), paint.bold)
    .add(' pVMs │ ')
    .add(clock(s.nowNs))
    .add(' ');
  if (c.on) b.add(`▶ clock ${c.speed}x`, (x) => paint.bold(paint.ok(x)));
  else b.add(short ? '■ off' : '■ clock off', paint.dim);
  b.add(' │ ');
  if (short)
    b.add(size(m.used_kib), paint.bold)
      .add(' used ')
      .add(size(m.shared_kib), (x) => paint.bold(paint.shared(x)))
      .add(' shr ')
      .add(size(m.free_kib), paint.bold)
      .add(' free');
  else
    b.add('used ')
      .add(size(m.used_kib), paint.bold)
      .add(' shared ')
      .add(size(m.shared_kib), (x) => paint.bold(paint.shared(x)))
      .add(' free ')
      .add(size(m.free_kib), paint.bold)
      .add(` │ sharing saves ${size(m.saved_kib)}`);
  return b.done();
}

/** What the keys do in each pane, for the hint bar when nothing is being typed. */
const PANE_KEYS: Record<PaneId, string> = {
  output: 'PgUp/PgDn/Home/End scroll · Tab focus · Alt+↑↓ select · ^O folds · help keys',
  tree: 'pVMs: PgUp/PgDn or Alt+↑↓ select · Esc back to the output · Tab next pane',
  sharing: 'sharing: PgUp/PgDn scroll · Alt+↑↓ select · Esc back · Tab next pane',
  libs: 'libraries: PgUp/PgDn scroll · Esc back to the output · Tab next pane',
  ipc: 'IpC: PgUp/PgDn scroll · Esc back to the output · Tab next pane',
  sched: 'scheduler: PgUp/PgDn scroll · Esc back to the output · Tab next pane',
  requests: 'requests: PgUp/PgDn scroll · Esc back to the output · Tab next pane',
};

/** The usage line of the command being typed, or the keys of the pane in focus. */
export function hintText(typed: string, focus: PaneId): string {
  return usageHint(typed) ?? PANE_KEYS[focus];
}

export function hintLine(typed: string, focus: PaneId, width: number): Line {
  return new LineBuilder(width).add(hintText(typed, focus), paint.dim).done();
}

/** The visible slice of a line longer than the prompt row, keeping the cursor in view. */
export function promptWindow(text: string, cursor: number, width: number): { shown: string; x: number } {
  const room = Math.max(1, width - PROMPT.length - 1);
  const start = cursor < room ? 0 : cursor - room + 1;
  return { shown: text.slice(start, start + room), x: PROMPT.length + cursor - start };
}

export function promptLine(text: string, cursor: number, width: number): Line {
  const { shown } = promptWindow(text, cursor, width);
  return new LineBuilder(width).add(PROMPT, paint.prompt).add(shown).done();
}

export const PLAY_KEYS = 'Enter/Space/→ run · ←/b back · q stop';
const PLAY_KEYS_SHORT = 'Enter run · b back · q stop';

export function playLines(
  p: { file: string; at: number; total: number; next: Step | undefined },
  width: number,
): [Line, Line] {
  const step = `step ${Math.min(p.at + 1, p.total)}/${p.total}`;
  const head = new LineBuilder(width)
    .add('▶ play ', (s) => paint.bold(paint.ok(s)))
    .add(`${p.file} `)
    .add(step, paint.bold);
  // The keys whole: the short list and a shorter progress bar on a narrow screen.
  const used = '▶ play '.length + p.file.length + 1 + step.length + 1 + 2;
  const keys = used + 10 + PLAY_KEYS.length <= width ? PLAY_KEYS : PLAY_KEYS_SHORT;
  const [f, e] = fill(p.at / Math.max(1, p.total), Math.max(4, Math.min(20, width - used - keys.length)));
  head.add(' ').add('█'.repeat(f), paint.ok).add('░'.repeat(e), paint.dim).add(`  ${keys}`, paint.dim);
  const next = new LineBuilder(width);
  if (p.next)
    next
      .add('next ', paint.dim)
      .add(`line ${p.next.line}: `, paint.dim)
      .add(p.next.text, (s) => paint.bold(p.next!.say !== null ? paint.say(s) : s));
  else next.add(`end of ${p.file}: ← steps back, q leaves`, paint.warn);
  return [head.done(), next.done()];
}

/** The question before a script plays on a host that changed since boot. */
export function offerLines(o: { file: string; changed: string; host: string | null }, width: number): [Line, Line] {
  const ask = `boot ${o.host ?? 'the host'} again first? `;
  const long = 'y/Enter: yes · n: play on this state · q/Esc: do not play';
  return [
    new LineBuilder(width)
      .add('▶ play ', (s) => paint.bold(paint.ok(s)))
      .add(`${o.file}: `)
      .add(`the host is not as it booted (${o.changed})`, paint.warn)
      .done(),
    new LineBuilder(width)
      .add(ask, paint.bold)
      .add(ask.length + long.length <= width ? long : 'y/Enter: yes · n: play as is · q: cancel', paint.dim)
      .done(),
  ];
}

export function runLine(r: { text: string; doneNs: number; totalNs: number }, width: number): Line {
  const [f, e] = fill(r.doneNs / r.totalNs, 20);
  return new LineBuilder(width)
    .add(`${r.text}: `, paint.bold)
    .add('█'.repeat(f), paint.ok)
    .add('░'.repeat(e), paint.dim)
    .add(` ${durationText(r.doneNs)} of ${durationText(r.totalNs)} of virtual time`)
    .add(' · Ctrl-C stops it', paint.warn)
    .done();
}

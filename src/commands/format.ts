// Text formatting shared by commands: C-style padding for xl's formats, sizes, latencies, tables.

import { Domain, isHeld, isZombie, SHUTDOWN_LETTERS } from '../engine/domain.js';
import type { Engine } from '../engine/index.js';
import { cFixedW } from './cfmt.js';

/** printf %-Ns */
export function left(s: string | number, w: number): string {
  return String(s).padEnd(w);
}

/** printf %Ns / %Nd */
export function right(s: string | number, w: number): string {
  return String(s).padStart(w);
}

/**
 * The lines of a long text (a table of 100,000 pVMs), kept as flat strings of 256 lines each. A template
 * literal's result is a tree of its pieces; 100,000 such trees would outlive young-generation garbage
 * collections (about 500 bytes a row where the text is 100). Joined 256 at a time, they die young.
 */
export class TextLines {
  private block: string[] = [];
  private readonly blocks: string[] = [];

  push(line: string): void {
    this.block.push(line);
    if (this.block.length === 256) {
      this.blocks.push(this.block.join('\n'));
      this.block = [];
    }
  }

  text(): string {
    if (this.block.length > 0 || this.blocks.length === 0) this.blocks.push(this.block.join('\n'));
    this.block = [];
    return this.blocks.join('\n');
  }
}

/** printf %N.1f, C's rounding (cfmt.ts): every xl and xentop column with one decimal. */
export function fixed1(n: number, w: number): string {
  return cFixedW(n, w, 1);
}

/** The strings stateLetters returns, by a code of their letters: 100,000 rows share a handful of strings. */
const STATE_TEXT = new Map<number, string>();

/** xl's six state letters: r b p s <shutdown reason> d. */
export function stateLetters(hv: Engine, d: Domain): string {
  const zombie = isZombie(d);
  const r = !zombie && !isHeld(d) && hv.sched.running(d) ? 'r' : '-';
  // Independent of p, as in Xen: a paused (or signal-stopped) idle domain is -bp---.
  const b = !zombie && hv.sched.blocked(d) ? 'b' : '-';
  const p = isHeld(d) ? 'p' : '-';
  const s = zombie ? 's' : '-';
  const reason = zombie ? SHUTDOWN_LETTERS[d.shutdown!.reason] : '-';
  const code =
    (r === 'r' ? 1 : 0) | (b === 'b' ? 2 : 0) | (p === 'p' ? 4 : 0) | (s === 's' ? 8 : 0) | (reason.charCodeAt(0) << 4);
  let text = STATE_TEXT.get(code);
  if (text === undefined) {
    text = `${r}${b}${p}${s}${reason}-`;
    STATE_TEXT.set(code, text);
  }
  return text;
}

/** Current memory in MiB as xl shows it (0 once a zombie released its memory). */
export function memMiB(d: Domain): number {
  if (d.domid === 0) return d.memMiB;
  let pages = 0;
  for (const r of d.regions) pages += r.pages;
  return Math.floor((pages * 4) / 1024);
}

export function sizeKiB(kib: number): string {
  if (kib >= 1024 * 1024) return `${(kib / 1024 / 1024).toFixed(1)} GiB`;
  if (kib >= 1024) return `${(kib / 1024).toFixed(1)} MiB`;
  return `${kib} KiB`;
}

export function latency(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us.toFixed(1)} µs`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A plain table: first row is the header; numeric-looking cells are right-aligned. */
export function table(rows: (string | number)[][], gap = 2): string {
  if (rows.length === 0) return '';
  // Each cell is turned into text once (`mem` with 100,000 pVMs has 700,000 cells).
  const cells = rows.map((r) => r.map(String));
  const widths: number[] = [];
  for (const r of cells) for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, r[i]!.length);
  const sep = ' '.repeat(gap);
  const lines = new TextLines();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const t = cells[k]!;
    const line: string[] = [];
    for (let i = 0; i < r.length; i++)
      line.push(
        typeof r[i] === 'number' ? t[i]!.padStart(widths[i]!) : i === r.length - 1 ? t[i]! : t[i]!.padEnd(widths[i]!),
      );
    lines.push(line.join(sep).trimEnd());
  }
  return lines.text();
}

/**
 * Uptime as xl prints it (uptime_to_string): "%2d:%02d:%02d", "%d day, %2d:%02d:%02d" for one day,
 * "%d days, ..." for more; `short` (uptime -s) drops the seconds.
 */
export function uptime(seconds: number, short = false): string {
  let s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const hm = `${right(h, 2)}:${String(m).padStart(2, '0')}`;
  const clock = short ? hm : `${hm}:${String(sec).padStart(2, '0')}`;
  if (days > 1) return `${days} days, ${clock}`;
  if (days === 1) return `${days} day, ${clock}`;
  return clock;
}

/** Whole seconds a domain has been up, as xl computes it: now and the start time each in whole seconds. */
export function upSeconds(nowNs: number, startNs: number): number {
  return Math.floor(nowNs / 1e9) - Math.floor(startNs / 1e9);
}

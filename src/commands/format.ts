// Text formatting shared by commands: C-style padding for xl's formats, sizes, latencies, tables.

import { Domain, isZombie, SHUTDOWN_LETTERS } from '../engine/domain.js';
import type { Hypervisor } from '../engine/hypervisor.js';

/** printf %-Ns */
export function left(s: string | number, w: number): string {
  return String(s).padEnd(w);
}

/** printf %Ns / %Nd */
export function right(s: string | number, w: number): string {
  return String(s).padStart(w);
}

/**
 * The pieces as one string, for a row of a table that may have 100,000 rows. A template literal's result
 * is a tree of its pieces, and 100,000 such trees outlive young-generation garbage collections (about
 * 500 bytes a row where the text is 100); join copies the pieces into one flat string and they die young.
 */
export function joined(pieces: string[]): string {
  return pieces.join('');
}

/** printf %N.1f */
export function fixed1(n: number, w: number): string {
  return right(n.toFixed(1), w);
}

/** xl's six state letters: r b p s <shutdown reason> d. */
export function stateLetters(hv: Hypervisor, d: Domain): string {
  const zombie = isZombie(d);
  const r = !zombie && !d.paused && hv.sched.running(d) ? 'r' : '-';
  const b = !zombie && !d.paused && hv.sched.blocked(d) ? 'b' : '-';
  const p = d.paused ? 'p' : '-';
  const s = zombie ? 's' : '-';
  const reason = zombie ? SHUTDOWN_LETTERS[d.shutdown!.reason] : '-';
  return `${r}${b}${p}${s}${reason}-`;
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
  const lines: string[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const t = cells[k]!;
    const line: string[] = [];
    for (let i = 0; i < r.length; i++) line.push(typeof r[i] === 'number' ? t[i]!.padStart(widths[i]!) : i === r.length - 1 ? t[i]! : t[i]!.padEnd(widths[i]!));
    lines.push(line.join(sep).trimEnd());
  }
  return lines.join('\n');
}

/** Uptime as xl prints it: "%2d:%02d:%02d" or "%d days, %2d:%02d:%02d". */
export function uptime(ns: number): string {
  let s = Math.floor(ns / 1e9);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const hms = `${right(h, 2)}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return days > 0 ? `${days} days, ${hms}` : hms;
}

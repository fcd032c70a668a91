// Styled lines for the panels: the text with its escape codes and its width in terminal cells, built
// once per change of what a panel shows (see lines.tsx for why ink is handed the width). Only glyphs
// known to take one cell are kept; any other character becomes '?', so a width is never guessed.

import { type Paint, type Theme, theme } from './theme.js';

export type { Paint };

export interface Line {
  /** The text with its escape codes. */
  text: string;
  /** Cells it takes on screen. */
  width: number;
}

/**
 * Characters one cell wide in every terminal: printable ASCII, Latin-1 and Latin Extended, general
 * punctuation (…, ›, •), arrows, supplemental arrows (⟲), mathematical operators (≡), box drawing, block
 * elements (█ ░ and the sparkline's ▁-█), the geometric shapes the panels use (◀ ▶ ■ □), and ◷ ✓ ✗ (East
 * Asian width neutral, one cell everywhere).
 */
const NARROW =
  /^[\x20-\x7e\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2200-\u22ff\u27f0-\u27ff\u2500-\u259f\u25a0-\u25c1\u25f7\u2713\u2717]*$/;
const ONE =
  /[\x20-\x7e\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2200-\u22ff\u27f0-\u27ff\u2500-\u259f\u25a0-\u25c1\u25f7\u2713\u2717]/;

/** `s` with every character of unknown width replaced by '?': one cell per code point. */
export function narrow(s: string): string {
  if (NARROW.test(s)) return s;
  let out = '';
  for (const ch of s) out += ONE.test(ch) ? ch : '?';
  return out;
}

/** Cells of a string made only of narrow characters (see narrow()). */
export function cells(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** The theme's paints by meaning (theme.ts), looked up when called so a theme change takes effect at once. */
export const paint: { [K in Exclude<keyof Theme, 'name'>]: Paint } = {
  brand: (s) => theme().brand(s),
  title: (s) => theme().title(s),
  focus: (s) => theme().focus(s),
  dim: (s) => theme().dim(s),
  bold: (s) => theme().bold(s),
  ok: (s) => theme().ok(s),
  warn: (s) => theme().warn(s),
  bad: (s) => theme().bad(s),
  event: (s) => theme().event(s),
  info: (s) => theme().info(s),
  shared: (s) => theme().shared(s),
  private: (s) => theme().private(s),
  selected: (s) => theme().selected(s),
  prompt: (s) => theme().prompt(s),
  say: (s) => theme().say(s),
  rule: (s) => theme().rule(s),
};

/** Builds one line of at most `max` cells from painted pieces; what does not fit is cut with '…'. */
export class LineBuilder {
  private text = '';
  private w = 0;
  private full = false;

  constructor(readonly max: number) {}

  get width(): number {
    return this.w;
  }

  add(s: string, p?: Paint): this {
    if (this.full || s === '') return this;
    let t = narrow(s);
    let n = cells(t);
    const room = this.max - this.w;
    if (n > room) {
      t = room <= 0 ? '' : [...t].slice(0, room - 1).join('') + '…';
      n = Math.max(0, room);
      this.full = true;
    }
    if (t === '') return this;
    this.text += p ? p(t) : t;
    this.w += n;
    return this;
  }

  /** A prebuilt line after what the builder holds, when all of it fits (a line is never cut inside its escape codes). */
  addLine(l: Line): this {
    if (this.full || l.width > this.max - this.w) return this;
    this.text += l.text;
    this.w += l.width;
    return this;
  }

  /** Spaces up to column `to` (no-op when already there). */
  padTo(to: number): this {
    return to > this.w ? this.add(' '.repeat(Math.min(to, this.max) - this.w)) : this;
  }

  done(whole?: Paint): Line {
    return { text: whole && this.text ? whole(this.text) : this.text, width: this.w };
  }
}

/** A line of one piece. */
export function line(s: string, max: number, p?: Paint): Line {
  return new LineBuilder(max).add(s, p).done();
}

/** A title left and a note right, in `width` cells. */
export function titleLine(title: string, note: string, width: number): Line {
  const n = narrow(note);
  const b = new LineBuilder(width);
  const room = Math.max(0, width - (n ? cells(n) + 1 : 0));
  b.add(title.length > room ? title.slice(0, Math.max(0, room - 1)) + '…' : title, paint.title);
  if (n && width - b.width > cells(n)) b.padTo(width - cells(n)).add(n, paint.dim);
  return b.done();
}

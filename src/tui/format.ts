// Compact figures for narrow panels: sizes, virtual time, bars and sparklines.

/** 8192 KiB -> "8.0M", 512 -> "512K", 3 GiB -> "3.0G". */
export function size(kib: number): string {
  if (kib >= 1024 * 1024) return `${(kib / 1024 / 1024).toFixed(1)}G`;
  if (kib >= 1024) return `${(kib / 1024).toFixed(1)}M`;
  return `${kib}K`;
}

/** Virtual time in seconds with ms: "t=12.345s". */
export function clock(ns: number): string {
  return `t=${(ns / 1e9).toFixed(3)}s`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** The last `width` values as a sparkline on a fixed scale from 0 to `max`: a small change stays small. */
export function scaledSparkline(values: readonly number[], max: number, width: number): string {
  const v = values.slice(-Math.max(0, width));
  const top = max > 0 ? max : 1;
  return v.map((x) => SPARKS[Math.max(0, Math.min(7, Math.round((x / top) * 7)))]).join('');
}

/** A bar of `width` cells split in proportion: [shared cells, private cells]. */
export function split(shared: number, priv: number, width: number): [number, number] {
  const total = shared + priv;
  if (total <= 0 || width <= 0) return [0, 0];
  const s = Math.round((shared / total) * width);
  return [s, width - s];
}

export function fit(s: string, w: number): string {
  if (w <= 0) return '';
  return s.length > w ? s.slice(0, Math.max(0, w - 1)) + '…' : s.padEnd(w);
}

/** A fill bar of `width` cells for a fraction 0..1: [filled cells, empty cells]. */
export function fill(frac: number, width: number): [number, number] {
  const f = Math.max(0, Math.min(width, Math.round((Number.isFinite(frac) ? frac : 0) * width)));
  return [f, Math.max(0, width - f)];
}

/**
 * A line with its tabs expanded to the next multiple of 8 columns, as a terminal shows them (dig lays its
 * sections out with tabs; narrow() would make each a '?').
 */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  let col = 0;
  for (const ch of line) {
    const add = ch === '\t' ? ' '.repeat(8 - (col % 8)) : ch;
    out += add;
    col += ch === '\t' ? add.length : 1;
  }
  return out;
}

/**
 * `text` (one line, narrow glyphs only: line.ts's narrow()) cut into pieces of at most `width` cells,
 * at spaces where it can; the pieces after the first start with `indent` spaces, so a wrapped line
 * reads as one. Nothing is dropped: a word longer than the width is cut where the width ends.
 */
export function wrap(text: string, width: number, indent = 2): string[] {
  const w = Math.max(1, width);
  const chars = [...text];
  if (chars.length <= w) return [text];
  const out: string[] = [];
  const pad = ' '.repeat(Math.min(indent, Math.max(0, w - 8)));
  let at = 0;
  while (at < chars.length) {
    const room = out.length === 0 ? w : w - pad.length;
    if (chars.length - at <= room) {
      out.push((out.length === 0 ? '' : pad) + chars.slice(at).join(''));
      break;
    }
    let cut = at + room;
    // Back up to the last space in the piece, unless that leaves less than half of it.
    for (let i = cut; i > at + Math.floor(room / 2); i--)
      if (chars[i] === ' ') {
        cut = i;
        break;
      }
    out.push((out.length === 0 ? '' : pad) + chars.slice(at, cut).join('').trimEnd());
    at = cut;
    while (chars[at] === ' ') at++;
  }
  return out;
}

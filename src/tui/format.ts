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

/** The last `width` values as a sparkline scaled between their minimum and maximum. */
export function sparkline(values: readonly number[], width: number): string {
  const v = values.slice(-Math.max(0, width));
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.map((x) => SPARKS[hi === lo ? 3 : Math.round(((x - lo) / (hi - lo)) * (SPARKS.length - 1))]).join('');
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

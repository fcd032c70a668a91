// Charts in plain text, for the terminal and for pipes: a line chart (a sweep: the model's series as
// lines, the paper's points beside them) and bars (a bench figure: model beside paper for each case).
// Series are told apart by their glyphs, never by colour alone, so the chart reads the same under
// NO_COLOR, in a log and on a screen reader's braille line.
//
// The same description (LineChart, BarChart) is drawn as SVG or PNG by plot-spec.ts and the host.

export interface ChartSeries {
  name: string;
  /** A model series is drawn as a line through its points; a paper series as marks alone. */
  kind: 'model' | 'paper';
  points: [x: number, y: number][];
}

export interface LineChart {
  title: string;
  /** Axis titles, units included: "pVMs booted (n)", "total boot time (s)". */
  x: string;
  y: string;
  series: ChartSeries[];
}

export interface BarCase {
  name: string;
  model: number | null;
  paper: number | null;
}

export interface BarChart {
  title: string;
  /** The value axis title, unit included. */
  y: string;
  cases: BarCase[];
}

// Symbols first; then letters and digits, so a chart of many series (bench apps swept: a dozen per unit)
// gives each its own glyph ('o' and 'x' are taken, digits are the paper's).
const MODEL_GLYPHS = ['*', '+', 'x', '#', '%', '&', '=', '~', ...'abcdefghijklmnpqrstuvwyz'];
const PAPER_GLYPHS = ['o', '@', '$', 'O', 'Q', '0', ...'123456789'];

/** Each series' glyph: models and papers from their own sets, in order. */
function glyphs(series: readonly ChartSeries[]): string[] {
  let m = 0;
  let p = 0;
  return series.map((s) =>
    s.kind === 'model' ? MODEL_GLYPHS[m++ % MODEL_GLYPHS.length]! : PAPER_GLYPHS[p++ % PAPER_GLYPHS.length]!,
  );
}

/** A number for an axis tick: short, no float noise. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(1);
  return String(Math.round(v * 1000) / 1000);
}

/** A step of 1, 2 or 5 times a power of ten near `raw`: ticks people read at a glance. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** About `count` ticks at round values covering lo..hi: the ticks, and the range they span. */
export function niceTicks(
  lo: number,
  hi: number,
  count: number,
  whole = false,
): { ticks: number[]; lo: number; hi: number } {
  if (hi === lo) return { ticks: [lo], lo, hi };
  // Whole-number data (a count) gets whole-number ticks.
  const step = Math.max(whole ? 1 : 0, niceStep((hi - lo) / Math.max(1, count - 1)));
  const from = Math.floor(lo / step + 1e-9) * step;
  const to = Math.ceil(hi / step - 1e-9) * step;
  const n = Math.round((to - from) / step);
  const clean = (v: number): number => Number(v.toPrecision(12));
  return { ticks: Array.from({ length: n + 1 }, (_, i) => clean(from + i * step)), lo: from, hi: to };
}

export interface TextChartOptions {
  width?: number;
  height?: number;
}

/** A line chart as text: title, y axis with ticks, the plot, x axis with ticks, axis titles, legend. */
export function lineChartText(c: LineChart, o: TextChartOptions = {}): string {
  const W = Math.max(20, o.width ?? 60);
  const H = Math.max(5, o.height ?? 15);
  const all = c.series.flatMap((s) => s.points);
  if (all.length === 0) return `${c.title}\n(no points to draw)`;
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  // The y axis starts at zero for values that are all positive: a ratio of heights then means something.
  const yn = niceTicks(Math.min(0, ...ys), Math.max(...ys), Math.min(5, H));
  const [y0, y1] = [yn.lo, yn.hi];
  const col = (x: number): number => (x1 === x0 ? Math.floor(W / 2) : Math.round(((x - x0) / (x1 - x0)) * (W - 1)));
  const row = (y: number): number => (y1 === y0 ? H - 1 : H - 1 - Math.round(((y - y0) / (y1 - y0)) * (H - 1)));
  const grid: string[][] = Array.from({ length: H }, () => Array<string>(W).fill(' '));
  const marks = glyphs(c.series);
  const put = (r: number, k: number, g: string): void => {
    const cur = grid[r]![k]!;
    // Where a paper point and a model line meet, the paper's mark wins: it is the one to compare against.
    grid[r]![k] = cur === ' ' || cur === '.' || MODEL_GLYPHS.includes(cur) ? g : cur;
  };
  c.series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if (s.kind === 'model')
      for (let j = 1; j < pts.length; j++) {
        const [ax, ay] = pts[j - 1]!;
        const [bx, by] = pts[j]!;
        for (let k = col(ax) + 1; k < col(bx); k++) {
          const t = (k - col(ax)) / (col(bx) - col(ax));
          const r = row(ay + t * (by - ay));
          if (grid[r]![k] === ' ') grid[r]![k] = '.';
        }
      }
    for (const [x, y] of pts) put(row(y), col(x), marks[i]!);
  });
  const yt = new Map(yn.ticks.map((v) => [row(v), tickLabel(v)]));
  const yw = Math.max(...[...yt.values()].map((l) => l.length));
  const lines = [c.title, `${' '.repeat(yw + 1)}${c.y}`];
  for (let r = 0; r < H; r++) lines.push(`${(yt.get(r) ?? '').padStart(yw)} |${grid[r]!.join('').trimEnd()}`);
  lines.push(`${' '.repeat(yw)} +${'-'.repeat(W)}`);
  const axis = Array<string>(W + 8).fill(' ');
  for (const v of niceTicks(
    x0,
    x1,
    Math.max(3, Math.min(6, Math.floor(W / 10))),
    xs.every(Number.isInteger),
  ).ticks.filter((t) => t >= x0 && t <= x1)) {
    const l = tickLabel(v);
    const at = Math.min(Math.max(0, col(v) - Math.floor(l.length / 2)), W + 8 - l.length);
    for (let k = 0; k < l.length; k++) axis[at + k] = l[k]!;
  }
  lines.push(`${' '.repeat(yw + 2)}${axis.join('').trimEnd()}`);
  lines.push(`${' '.repeat(yw + 2 + Math.max(0, Math.floor((W - c.x.length) / 2)))}${c.x}`);
  c.series.forEach((s, i) =>
    lines.push(
      `  ${marks[i]} ${s.name}${/\bpaper\b/.test(s.name) ? '' : s.kind === 'paper' ? ' (paper)' : ' (model)'}`,
    ),
  );
  return lines.join('\n');
}

/** Bars as text: for each case, the model's bar and the paper's, scaled to the largest value. */
export function barChartText(c: BarChart, o: TextChartOptions = {}): string {
  const W = Math.max(10, o.width ?? 40);
  const vals = c.cases.flatMap((k) => [k.model, k.paper]).filter((v): v is number => v !== null);
  const top = Math.max(0, ...vals);
  const nameW = Math.max(...c.cases.map((k) => k.name.length), 4);
  const bar = (v: number | null, g: string): string =>
    v === null ? '-' : `${g.repeat(top > 0 ? Math.max(v > 0 ? 1 : 0, Math.round((v / top) * W)) : 0)} ${tickLabel(v)}`;
  const lines = [c.title, `  (${c.y}; # model, = paper)`];
  for (const k of c.cases) {
    lines.push(`${k.name.padEnd(nameW)}  model ${bar(k.model, '#')}`);
    if (k.paper !== null) lines.push(`${''.padEnd(nameW)}  paper ${bar(k.paper, '=')}`);
  }
  return lines.join('\n');
}

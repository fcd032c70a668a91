// The page-sharing graph of the selected pVM's family, drawn as a matrix: a row per member with its
// memory as a bar (█ shared: frames mapped more than once; ░ private, by smaps), then the pages it
// shares with each member in the columns (numbered as the rows), every pair alike — parent and child,
// siblings, cousins. The selected row is marked › and its bar keeps its colours. `∗` marks a member
// whose copy-on-write broke with the last command. Under the matrix, the family's shared pages after
// each change as a sparkline on a fixed scale, 0 to the family's total pages, so a 2% drop looks small.
// A family larger than the panel shows a window of rows around the selected pVM and of columns around
// its column; the title says which.

import { DOM0, type Domain } from '../../engine/domain.js';
import { fit, scaledSparkline, size, split } from '../format.js';
import { type Line, LineBuilder, paint } from '../line.js';
import type { ConsoleModel } from '../model.js';
import type { FamilySample, MemberMemory, SharingCache } from '../sharing.js';
import type { Panel, PanelCtx, PanelView } from './registry.js';

const CELL = 5;

/** Pages in at most four cells: 2114, 21k, 3M. */
export function pagesShort(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${Math.round(n / 1_000_000)}M`;
}

/** The samples as a sparkline scaled from 0 to the largest total of the samples shown. */
export function fixedSparkline(samples: readonly FamilySample[], width: number): string {
  const v = samples.slice(-Math.max(0, width));
  return scaledSparkline(
    v.map((s) => s.shared),
    Math.max(1, ...v.map((s) => s.total)),
    width,
  );
}

interface Cols {
  name: number;
  bar: number;
  sizes: boolean;
  /** Matrix columns that fit. */
  cells: number;
}

function columns(width: number, nameW: number, members: number): Cols {
  const fixed = (bar: number, sizes: boolean): number => 1 + 3 + 1 + nameW + 1 + bar + 1 + 1 + (sizes ? 10 : 0) + 1;
  const shapes = [
    [12, true],
    [8, true],
    [10, false],
    [6, false],
  ] as const;
  const cellsOf = (bar: number, sizes: boolean) => Math.floor((width - fixed(bar, sizes)) / CELL);
  // The widest shape that shows every member's column; else the widest that shows four (or the last).
  const shape =
    shapes.find(([bar, sizes]) => cellsOf(bar, sizes) >= members) ??
    shapes.find(([bar, sizes]) => cellsOf(bar, sizes) >= Math.min(members, 4)) ??
    shapes[shapes.length - 1]!;
  const [bar, sizes] = shape;
  return { name: nameW, bar, sizes, cells: Math.max(0, Math.min(cellsOf(bar, sizes), members)) };
}

function windowStart(at: number, n: number, total: number): number {
  if (total <= n) return 0;
  return Math.max(0, Math.min(at - Math.floor(n / 2), total - n));
}

function headLine(c: Cols, colFirst: number, cols: Domain[], selected: number, width: number): Line {
  const b = new LineBuilder(width)
    .add(
      ` ${'#'.padStart(3)} ${fit('pVM', c.name)} ${fit(c.bar >= 12 ? 'memory █/░' : c.bar >= 8 ? 'mem █/░' : 'mem', c.bar + 1)}`,
      paint.dim,
    )
    .add(c.sizes ? ` ${'Shr/Priv'.padStart(9)}` : '', paint.dim)
    .add(c.cells > 0 ? ' │' : '', paint.rule);
  cols.forEach((d, i) =>
    b.add(String(colFirst + i + 1).padStart(CELL), d.domid === selected ? paint.selected : paint.dim),
  );
  return b.done();
}

interface RowArgs {
  d: Domain;
  index: number;
  mem: MemberMemory;
  selected: boolean;
  cow: boolean;
  cols: Domain[];
  c: Cols;
  cache: SharingCache;
  width: number;
}

function memberLine(r: RowArgs): Line {
  const [s, p] = split(r.mem.sharedKib, r.mem.privateKib, r.c.bar);
  const b = new LineBuilder(r.width)
    .add(r.selected ? '›' : ' ', paint.bold)
    .add(String(r.index + 1).padStart(3), paint.dim)
    .add(' ')
    .add(fit(r.d.name, r.c.name), r.selected ? paint.selected : undefined)
    .add(' ')
    .add('█'.repeat(s), paint.shared)
    .add('░'.repeat(p), paint.private)
    .add(' '.repeat(Math.max(0, r.c.bar - s - p)))
    .add(r.cow ? '∗' : ' ', paint.warn);
  if (r.c.sizes) b.add(` ${`${size(r.mem.sharedKib)}/${size(r.mem.privateKib)}`.padStart(9)}`);
  if (r.c.cells > 0) b.add(' │', paint.rule);
  const own = (r.mem.sharedKib + r.mem.privateKib) / 4;
  for (const other of r.cols) {
    if (other === r.d) {
      b.add('·'.padStart(CELL), paint.dim);
      continue;
    }
    const n = r.cache.pair(r.d, other);
    const strong = own > 0 && n >= own * 0.75;
    b.add(
      n === 0 ? '·'.padStart(CELL) : pagesShort(n).padStart(CELL),
      n === 0 ? paint.dim : strong ? paint.shared : undefined,
    );
  }
  return b.done();
}

/** `… N more` with where the window is and how to scroll, shortened to fit rather than cut. */
function moreText(hidden: number, window: string, width: number): string {
  for (const t of [`… ${hidden} more (${window}; Tab to it, PgDn)`, `… ${hidden} more (${window}; PgDn)`])
    if (t.length <= width) return t;
  return `… ${hidden} more (PgDn)`;
}

function sparkLine(samples: readonly FamilySample[], width: number): Line {
  const now = samples[samples.length - 1];
  const pct = now ? `${((now.shared / Math.max(1, now.total)) * 100).toFixed(1)}%` : '';
  // The long label when it leaves the sparkline some room, else the figures alone.
  const long = now ? ` ${now.shared}/${now.total} pages shared (${pct})` : '';
  const label = long.length + 8 + 8 <= width ? long : now ? ` ${now.shared}/${now.total} (${pct})` : '';
  const room = Math.max(4, width - 8 - label.length);
  return new LineBuilder(width)
    .add('history ', paint.dim)
    .add(fixedSparkline(samples, room), paint.event)
    .add(label)
    .done();
}

function view(ctx: PanelCtx): PanelView {
  const m = ctx.model;
  const hv = m.shell.hv;
  const sel = hv.domains.get(m.selected);
  if (!sel || sel.domid === DOM0) return { title: 'sharing', note: '', lines: [], total: 0, first: 0 };
  const cache = m.sharingCache();
  const members = cache.family(sel);
  const at = Math.max(0, members.indexOf(sel));
  const nameW = Math.min(20, Math.max(6, ...members.map((d) => d.name.length)));
  const c = columns(ctx.width, nameW, members.length);
  // Members that do not all fit leave their last row to say how many more there are.
  const fitRows = Math.max(1, ctx.rows - 2);
  const rowsRoom = members.length > fitRows ? Math.max(1, fitRows - 1) : fitRows;
  const asked = ctx.scroll >= 0 ? ctx.scroll : windowStart(at, rowsRoom, members.length);
  const rowFirst = Math.max(0, Math.min(asked, Math.max(0, members.length - rowsRoom)));
  const colFirst = windowStart(at, c.cells, members.length);
  const cols = members.slice(colFirst, colFirst + c.cells);
  const cows = m.cowMarks;
  const lines: Line[] = [headLine(c, colFirst, cols, sel.domid, ctx.width)];
  const shown = members.slice(rowFirst, rowFirst + rowsRoom);
  shown.forEach((d, i) =>
    lines.push(
      memberLine({
        d,
        index: rowFirst + i,
        mem: cache.memoryOf(d),
        selected: d === sel,
        cow: cows.has(d.domid),
        cols,
        c,
        cache,
        width: ctx.width,
      }),
    ),
  );
  const hidden = members.length - shown.length;
  if (hidden > 0)
    lines.push(
      new LineBuilder(ctx.width)
        .add(
          moreText(hidden, `rows ${rowFirst + 1}-${rowFirst + shown.length} of ${members.length}`, ctx.width),
          paint.dim,
        )
        .done(),
    );
  lines.push(sparkLine(m.familySeries.get(sel.family) ?? [], ctx.width));
  const root = hv.domains.get(sel.family)?.name ?? members[0]?.name ?? '?';
  const window =
    members.length > cols.length ? `cols ${colFirst + 1}-${colFirst + cols.length} of ${members.length}` : '';
  return {
    title: `sharing: family ${root} (${members.length} pVM${members.length === 1 ? '' : 's'})`,
    note: window || '█ shared ░ private ∗ CoW; pages per pair',
    lines,
    total: members.length + 2,
    first: rowFirst,
    domids: [null, ...shown.map((d) => d.domid), ...(hidden > 0 ? [null] : []), null],
  };
}

export const sharingPanel: Panel = {
  id: 'sharing',
  tab: 'sharing',
  followsSelection: true,
  available: (m: ConsoleModel) => m.selected !== DOM0 && m.shell.hv.domains.has(m.selected),
  need: (m) => {
    const d = m.shell.hv.domains.get(m.selected);
    return d && d.domid !== DOM0 ? m.sharingCache().family(d).length + 2 : 0;
  },
  view,
};

// The output pane's contents: every line typed, every command's whole output and every engine event of
// the session, kept (up to KEEP entries, and the pane says when older ones went) and scrollable. Events
// come in bursts (one command's, or the clock's steps while it runs) folded by kind (fold.ts); a fold
// opens with Ctrl+O (all of them) or a click (one). Lines are wrapped to the pane's width, never cut, and
// each entry's wrapped lines are kept until the width, the theme or the entry changes, so drawing a
// screen costs the lines shown, not the session's length.

import { type EventGroup, eventText, FOLD_AT, foldText, groupEvents, type EventItem } from './fold.js';
import { expandTabs, wrap } from './format.js';
import { type Line, LineBuilder, narrow, paint } from './line.js';
import { styleKey } from './theme.js';

export type TextStyle = 'banner' | 'input' | 'output' | 'error' | 'notice' | 'say' | 'choices' | 'steps';

export type Entry =
  | { id: number; type: 'text'; style: TextStyle; text: string }
  | {
      id: number;
      type: 'events';
      events: EventItem[];
      /** What the events came from when not one command: "while the clock ran". */
      source: string | null;
      /** Bumped when a live entry (the clock's) gains events. */
      version: number;
    };

/** Entries kept; older ones are dropped, and the top of the pane says how many. */
export const KEEP = 50_000;

export const PROMPT = 'kylinx> ';

interface Wrapped {
  key: string;
  lines: Line[];
}

export class OutputLog {
  readonly entries: Entry[] = [];
  /** Entries dropped past KEEP. */
  dropped = 0;
  /** Visual lines the view is scrolled up from the end (0: live, following new output). */
  offset = 0;
  /** Every fold open (Ctrl+O). */
  expandAll = false;
  /** Folds opened one by one (a click), by entry id and group kind. */
  readonly opened = new Set<string>();
  private nextId = 0;
  private cache = new Map<number, Wrapped>();
  /** The width the pane was last drawn at, for keeping a scrolled view still while output arrives. */
  private width = 0;

  add(style: TextStyle, text: string): void {
    this.push({ id: this.nextId++, type: 'text', style, text });
  }

  /** A burst of events; with a `source`, later bursts of the same source join it while it is the last entry. */
  addEvents(events: readonly EventItem[], source: string | null = null): void {
    if (events.length === 0) return;
    const last = this.entries[this.entries.length - 1];
    if (source !== null && last?.type === 'events' && last.source === source) {
      const before = this.width > 0 ? this.heightOf(last, this.width) : 0;
      last.events.push(...events);
      last.version++;
      if (this.offset > 0 && this.width > 0) this.offset += this.heightOf(last, this.width) - before;
      return;
    }
    this.push({ id: this.nextId++, type: 'events', events: [...events], source, version: 0 });
  }

  /** The live clock's entry ends: the next burst starts a new one. */
  closeSource(): void {
    const last = this.entries[this.entries.length - 1];
    if (last?.type === 'events' && last.source !== null) last.source = `${last.source} (ended)`;
  }

  private push(e: Entry): void {
    this.entries.push(e);
    if (this.entries.length > KEEP) {
      const gone = this.entries.splice(0, this.entries.length - KEEP);
      this.dropped += gone.length;
      for (const g of gone) this.cache.delete(g.id);
    }
    // A view scrolled up stays on what it shows.
    if (this.offset > 0 && this.width > 0) this.offset += this.heightOf(e, this.width);
  }

  // ---- scrolling -----------------------------------------------------------------------------------

  /** Back to the end, following new output (after a command). */
  live(): void {
    this.offset = 0;
  }

  /** Scroll up by `lines` (down when negative), the view `page` lines tall. */
  scrollUp(lines: number, page: number): void {
    this.offset = Math.max(0, Math.min(this.offset + lines, this.maxOffset(page)));
  }

  toTop(page: number): void {
    this.offset = this.maxOffset(page);
  }

  private maxOffset(page: number): number {
    return this.width > 0 ? Math.max(0, this.total(this.width) - page) : 0;
  }

  toggleAll(): void {
    this.expandAll = !this.expandAll;
    this.opened.clear();
  }

  /** Open or close one fold (a click on it). */
  toggle(key: string): void {
    if (this.opened.has(key)) this.opened.delete(key);
    else this.opened.add(key);
  }

  // ---- drawing -------------------------------------------------------------------------------------

  /** Visual lines of the whole log at `width`. */
  total(width: number): number {
    let n = this.dropped > 0 ? 1 : 0;
    for (const e of this.entries) n += this.heightOf(e, width);
    return n;
  }

  /**
   * The `height` lines the view shows at `width` (fewer when the log is shorter), and for each the fold
   * it belongs to (`entryId:kind`) or null; `above` and `below` count the lines out of view.
   */
  view(width: number, height: number): { lines: Line[]; folds: (string | null)[]; above: number; below: number } {
    this.width = width;
    const head = this.dropped > 0 ? 1 : 0;
    const total = this.total(width);
    this.offset = Math.max(0, Math.min(this.offset, Math.max(0, total - height)));
    const end = total - this.offset;
    const start = Math.max(0, end - height);
    // The entry holding line `start`, walking back from the end: `pos` is its first line.
    let pos = total;
    let k = this.entries.length;
    while (k > 0 && pos > start) pos -= this.heightOf(this.entries[--k]!, width);
    const lines: Line[] = [];
    const folds: (string | null)[] = [];
    if (start < head) {
      lines.push(droppedLine(this.dropped, width));
      folds.push(null);
    }
    for (let line = pos; k < this.entries.length && line < end; k++) {
      const e = this.entries[k]!;
      const w = this.wrapped(e, width).lines;
      for (let j = 0; j < w.length; j++)
        if (line + j >= start && line + j < end) {
          lines.push(w[j]!);
          folds.push(this.foldAt(e, j));
        }
      line += w.length;
    }
    return { lines, folds, above: start, below: this.offset };
  }

  /** Every line of the log at `width`, as plain lines with their styles (for tests and for saving the pane). */
  allLines(width: number): Line[] {
    const out: Line[] = this.dropped > 0 ? [droppedLine(this.dropped, width)] : [];
    for (const e of this.entries) out.push(...this.wrapped(e, width).lines);
    return out;
  }

  private heightOf(e: Entry, width: number): number {
    return this.wrapped(e, width).lines.length;
  }

  private isOpen(e: Entry, kind: string): boolean {
    return this.expandAll !== this.opened.has(`${e.id}:${kind}`);
  }

  private wrapped(e: Entry, width: number): Wrapped {
    const opened =
      e.type === 'events'
        ? groupEvents(e.events)
            .map((g) => (this.isOpen(e, g.kind) ? 1 : 0))
            .join('')
        : '';
    const key = `${width}|${styleKey()}|${e.type === 'events' ? `${e.version}|${e.source}|${opened}` : ''}`;
    const have = this.cache.get(e.id);
    if (have && have.key === key) return have;
    const lines = e.type === 'text' ? textLines(e.style, e.text, width) : this.eventLines(e, width);
    const w = { key, lines };
    this.cache.set(e.id, w);
    return w;
  }

  /** Which fold the j-th wrapped line of `e` is part of (its header or its opened events). */
  private foldAt(e: Entry, j: number): string | null {
    if (e.type !== 'events') return null;
    const w = this.width;
    let at = e.source ? wrap(narrow(sourceText(e.source)), w).length : 0;
    for (const g of groupEvents(e.events)) {
      const n = this.groupLines(e, g, w).length;
      if (j < at + n) return g.events.length >= FOLD_AT ? `${e.id}:${g.kind}` : null;
      at += n;
    }
    return null;
  }

  private eventLines(e: Extract<Entry, { type: 'events' }>, width: number): Line[] {
    const out: Line[] = [];
    if (e.source) for (const t of wrap(narrow(sourceText(e.source)), width)) out.push(piece(t, width, paint.dim));
    for (const g of groupEvents(e.events)) out.push(...this.groupLines(e, g, width));
    return out;
  }

  private groupLines(e: Entry, g: EventGroup, width: number): Line[] {
    const bullet = (mark: string, text: string, indent = 0): Line[] =>
      wrap(narrow(text), width - 2 - indent).map((t, i) =>
        new LineBuilder(width)
          .add(' '.repeat(indent))
          .add(i === 0 ? `${mark} ` : '  ', paint.event)
          .add(t)
          .done(),
      );
    if (g.events.length < FOLD_AT) return g.events.flatMap((x) => bullet('•', eventText(x)));
    const open = this.isOpen(e, g.kind);
    const head = bullet(open ? '▾' : '▸', `${foldText(g)}${open ? '' : '  (Ctrl+O opens)'}`);
    return open ? [...head, ...g.events.flatMap((x) => bullet('•', eventText(x), 2))] : head;
  }
}

function sourceText(source: string): string {
  return `${source}:`;
}

function piece(t: string, width: number, p?: (s: string) => string): Line {
  return new LineBuilder(width).add(t, p).done();
}

function droppedLine(n: number, width: number): Line {
  return piece(`(${n} earlier entries dropped; the pane keeps the last ${KEEP})`, width, paint.dim);
}

/**
 * How far a wrapped line's continuation is indented: under the text of a two-column line (a name, two or
 * more spaces, its description, as `help` prints) when that column starts in the left half; else 2.
 */
export function hangIndent(text: string, width: number): number {
  const m = /^\s*\S+(?: \S+)*\s{2,}(?=\S)/.exec(text);
  return m && m[0].length <= width / 2 ? m[0].length : 2;
}

/** A text entry's lines, wrapped and styled by what it is. */
function textLines(style: TextStyle, text: string, width: number): Line[] {
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    if (style === 'input') {
      const pieces = wrap(narrow(PROMPT + raw), width);
      pieces.forEach((t, i) =>
        out.push(
          i === 0
            ? new LineBuilder(width).add(PROMPT, paint.prompt).add(t.slice(PROMPT.length)).done()
            : piece(t, width),
        ),
      );
      continue;
    }
    const text = expandTabs(style === 'error' ? `✗ ${raw}` : raw);
    for (const t of wrap(narrow(text), width, hangIndent(text, width))) out.push(piece(t, width, STYLE[style]));
  }
  return out;
}

const STYLE: Record<Exclude<TextStyle, 'input'>, ((s: string) => string) | undefined> = {
  banner: (s) => paint.brand(s),
  output: undefined,
  error: (s) => paint.bad(s),
  notice: (s) => paint.warn(s),
  say: (s) => paint.say(s),
  choices: (s) => paint.dim(s),
  steps: (s) => paint.info(s),
};

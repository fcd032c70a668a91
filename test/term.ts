// The built binary in a real terminal, with nothing but Node: a pseudo-terminal (@lydell/node-pty, prebuilt)
// whose output feeds a real terminal emulator in-process (@xterm/headless). Tests type keys, wait for the
// screen to show something (polling with a timeout, never a fixed sleep), and read cells with their colours
// and attributes. The terminal's own answers (cursor reports, device attributes) go back to the program,
// as a real terminal's would.

import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'kylinx-sh.js');

export interface TermOptions {
  /** Arguments after the binary (default: none, the console). */
  args?: string[];
  cols?: number;
  rows?: number;
  cwd?: string;
  /** Added to a copy of this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** The program to run (default: node running the built bin/kylinx-sh.js with `args`). */
  file?: string;
}

/** One screen cell: its text, colours (-1 = the terminal's default) and attributes. */
export interface Cell {
  char: string;
  /** Palette index (0-255) or 24-bit RGB value; -1 for the default colour. */
  fg: number;
  bg: number;
  fgMode: 'default' | 'palette' | 'rgb';
  bgMode: 'default' | 'palette' | 'rgb';
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

export interface Exit {
  exitCode: number;
  signal?: number;
}

const KEYS: Record<string, string> = {
  Enter: '\r',
  Tab: '\t',
  Escape: '\x1b',
  Backspace: '\x7f',
  Space: ' ',
  PageUp: '\x1b[5~',
  PageDown: '\x1b[6~',
  Delete: '\x1b[3~',
};
const CURSOR: Record<string, string> = { Up: 'A', Down: 'B', Right: 'C', Left: 'D', Home: 'H', End: 'F' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Term {
  readonly pid: number;
  readonly exited: Promise<Exit>;
  private readonly term: xterm.Terminal;
  private readonly proc: pty.IPty;
  private exit: Exit | undefined;
  private cursorShown = true;
  /** Everything the program wrote, raw, in order. */
  private raw = '';

  constructor(o: TermOptions = {}) {
    const cols = o.cols ?? 120;
    const rows = o.rows ?? 40;
    this.term = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
    // DECTCEM (CSI ? 25 h/l) shows or hides the cursor; xterm keeps that to itself, so watch it here and
    // let xterm handle the sequence as usual (returning false).
    const watch = (shown: boolean) => (params: (number | number[])[]) => {
      if (params.includes(25)) this.cursorShown = shown;
      return false;
    };
    this.term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, watch(true));
    this.term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, watch(false));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({
      ...process.env,
      TERM: 'xterm-256color',
      CI: undefined,
      NO_COLOR: undefined,
      ...o.env,
    }))
      if (v !== undefined) env[k] = v;
    const file = o.file ?? process.execPath;
    const args = o.file ? (o.args ?? []) : [BIN, ...(o.args ?? [])];
    this.proc = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, cwd: o.cwd ?? ROOT, env });
    this.pid = this.proc.pid;
    this.proc.onData((d) => {
      this.raw += d;
      this.term.write(d);
    });
    this.term.onData((d) => {
      if (this.exit === undefined) this.proc.write(d);
    });
    // The exit can be reported before the last output is read from the pty, and xterm parses what it
    // is given later, in batches: settle both before the program counts as gone, so a reader of the
    // screen after the exit sees all of it (a loaded machine showed a half-drawn screen).
    this.exited = new Promise((done) =>
      this.proc.onExit((e) => {
        this.exit = e;
        setTimeout(() => this.term.write('', () => done(e)), 50);
      }),
    );
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /** Type text as it is (no key names). */
  type(text: string): void {
    this.proc.write(text);
  }

  /**
   * Press keys by name: Enter, Tab, Escape, Backspace, Space, Up, Down, Left, Right, Home, End, PageUp,
   * PageDown, Delete, C-x (Ctrl), M-x or M-Up (Alt); anything else is typed as it is.
   */
  keys(...names: string[]): void {
    for (const n of names) this.proc.write(this.encode(n));
  }

  private encode(name: string): string {
    const ctrl = /^C-([a-z@\\[\]^_])$/i.exec(name);
    if (ctrl) return String.fromCharCode(ctrl[1]!.toUpperCase().charCodeAt(0) - 64);
    if (name.startsWith('M-') && name.length > 2) {
      const rest = name.slice(2);
      const c = CURSOR[rest];
      return c ? `\x1b[1;3${c}` : `\x1b${this.encode(rest)}`;
    }
    const c = CURSOR[name];
    if (c) return this.term.modes.applicationCursorKeysMode ? `\x1bO${c}` : `\x1b[${c}`;
    return KEYS[name] ?? name;
  }

  /** The visible screen, one line per row, trailing spaces trimmed. */
  screen(): string {
    return this.lines().join('\n');
  }

  lines(): string[] {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  /** The normal buffer's scrollback and screen (what a line-by-line program printed), wrapped lines joined. */
  history(): string {
    const b = this.term.buffer.normal;
    const out: string[] = [];
    for (let y = 0; y < b.length; y++) {
      const line = b.getLine(y);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && out.length > 0) out[out.length - 1] += text;
      else out.push(text);
    }
    return out.join('\n');
  }

  /** Everything the program wrote so far, escape sequences included. */
  output(): string {
    return this.raw;
  }

  /** The cell at a row and column of the visible screen (0-based). */
  cell(row: number, col: number): Cell {
    const b = this.term.buffer.active;
    const c = b.getLine(b.viewportY + row)?.getCell(col);
    if (!c) throw new Error(`no cell at row ${row}, column ${col} of a ${this.cols}x${this.rows} screen`);
    const mode = (palette: boolean, rgb: boolean) => (rgb ? 'rgb' : palette ? 'palette' : 'default');
    return {
      char: c.getChars(),
      fg: c.isFgDefault() ? -1 : c.getFgColor(),
      bg: c.isBgDefault() ? -1 : c.getBgColor(),
      fgMode: mode(c.isFgPalette(), c.isFgRGB()),
      bgMode: mode(c.isBgPalette(), c.isBgRGB()),
      bold: c.isBold() !== 0,
      dim: c.isDim() !== 0,
      italic: c.isItalic() !== 0,
      underline: c.isUnderline() !== 0,
      inverse: c.isInverse() !== 0,
    };
  }

  /** Row and column of the first place `text` shows on the screen, or undefined. */
  find(text: string | RegExp): { row: number; col: number } | undefined {
    const lines = this.lines();
    for (let row = 0; row < lines.length; row++) {
      const m = typeof text === 'string' ? lines[row]!.indexOf(text) : (text.exec(lines[row]!)?.index ?? -1);
      if (m >= 0) return { row, col: m };
    }
    return undefined;
  }

  /** Whether the alternate screen is showing (a full-screen program) and whether the cursor is shown. */
  get alternate(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  get cursorVisible(): boolean {
    return this.cursorShown;
  }

  /** Poll `read()` (the screen by default) until `ok` holds; fail with the last screen after `ms`. */
  async until(what: string, ok: (s: string) => boolean, ms = 15_000, read = () => this.screen()): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = read();
      if (ok(s)) return s;
      if (this.exit !== undefined) {
        // The program is gone: give the emulator what was still in flight, then decide once more.
        await sleep(50);
        const last = read();
        if (ok(last)) return last;
        throw new Error(`the program exited (${this.exit.exitCode}) before ${what}; the screen was:\n${last}`);
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen was:\n${s}`);
      await sleep(50);
    }
  }

  /**
   * Wait until the program reads keys itself. A program switches the terminal to raw mode a moment after
   * it first draws; until then the terminal's line discipline echoes what is typed and takes keys such as
   * Ctrl-D, Ctrl-C, Ctrl-U or Backspace itself, and a test that sends one then would lose it. So: type
   * `probe.keys`, which the program must turn into something an echo cannot show (a completion: `fo` Tab
   * shows `fork`), wait for `probe.shown`, then send `probe.clear` and wait for `probe.gone`.
   */
  async inputReady(probe: {
    keys: string[];
    shown: (s: string) => boolean;
    clear: string[];
    gone: (s: string) => boolean;
  }): Promise<void> {
    this.keys(...probe.keys);
    await this.until('the program to read keys (raw mode)', probe.shown);
    this.keys(...probe.clear);
    await this.until('the probe to be cleared', probe.gone);
  }

  /** Resize the terminal (the program gets SIGWINCH) and the emulator with it. */
  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.proc.resize(cols, rows);
  }

  /** The exit status once the program has left, waiting at most `ms`. */
  async waitExit(ms = 15_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the program did not exit within ${ms} ms:\n${this.screen()}`)), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** End the program if it still runs, and the emulator. */
  close(): void {
    if (this.exit === undefined) {
      try {
        this.proc.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.term.dispose();
  }
}

/** Start the built binary in a pseudo-terminal. */
export function startTerm(o: TermOptions = {}): Term {
  return new Term(o);
}

/** The sizes the console is laid out for. */
export const CONSOLE_SIZES: readonly [cols: number, rows: number][] = [
  [80, 24],
  [120, 40],
  [200, 60],
];

/** The console's tree and prompt are drawn. */
export const promptReady = (s: string): boolean => /^kylinx>/m.test(s) && /pVMs: \d+ in/.test(s);

/** The prompt is the last line starting with kylinx> (the log above echoes earlier lines the same way). */
export const promptLine = (s: string): string =>
  s
    .split('\n')
    .filter((l) => l.startsWith('kylinx>'))
    .pop() ?? '';

/** The console is drawn and reads keys (raw mode on): `fo` Tab completes to `fork`, Ctrl-U clears it. */
export async function consoleReady(t: Term): Promise<void> {
  await t.until('the console', promptReady);
  await t.inputReady({
    keys: ['f', 'o', 'Tab'],
    shown: (x) => /^kylinx> fork\s*$/.test(promptLine(x)),
    clear: ['C-u'],
    gone: (x) => /^kylinx>\s*$/.test(promptLine(x)),
  });
}

/**
 * Type a line at the console's prompt, see it there (its last 60 characters: a longer line scrolls in
 * the prompt), run it, and wait until the prompt is empty again.
 */
export async function runAtPrompt(t: Term, line: string): Promise<void> {
  t.type(line);
  await t.until(`${line} typed`, (x) => promptLine(x).endsWith(line.slice(-Math.min(line.length, 60))));
  t.keys('Enter');
  await t.until(`${line} to run`, (x) => /^kylinx>\s*$/.test(promptLine(x)));
}

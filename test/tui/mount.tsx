// Mounting the console for the console's tests, as ink-testing-library does but with a terminal as wide
// as the console is laid out for (ink-testing-library's is 100 columns, and ink wraps wider lines): the
// same React tree the terminal shows, driven by keys written to a fake stdin, read back from the last
// frame.

/** A terminal of `columns` that keeps the last frame ink wrote (ink's debug mode writes whole frames). */
class FrameOut extends EventEmitter implements InkStdout {
  readonly isTTY = true;
  readonly rows = 100_000;
  last = '';
  constructor(public columns: number) {
    super();
  }
  write(s: string, done?: () => void): boolean {
    this.last = s;
    done?.();
    return true;
  }
}

class KeysIn extends EventEmitter implements InkStdin {
  readonly isTTY = true;
  private data: string | null = null;
  setEncoding(): void {}
  setRawMode(): void {}
  ref(): void {}
  unref(): void {}
  resume(): void {}
  pause(): void {}
  read(): string | null {
    const d = this.data;
    this.data = null;
    return d;
  }
  write(data: string): void {
    this.data = data;
    this.emit('readable');
  }
}

/** Ink on fake streams at a size: `lastFrame`, `stdin.write`, `rerender` at another size. */
export function renderAt(tree: ReactElement, columns: number) {
  const out = new FrameOut(columns);
  const keys = new KeysIn();
  const instance = render(tree, {
    stdout: inkStdout(out),
    stderr: inkStdout(new FrameOut(columns), process.stderr),
    stdin: inkStdin(keys),
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    lastFrame: () => out.last.replace(/\n$/, ''),
    stdin: keys,
    rerender: (t: ReactElement, cols = out.columns) => {
      out.columns = cols;
      instance.rerender(t);
    },
    unmount: () => instance.unmount(),
  };
}

import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { Console, Leave } from '../../src/tui/app.js';
import { inkStdin, inkStdout, type InkStdin, type InkStdout } from '../../src/tui/ink-streams.js';
import { ConsoleModel, type ModelOptions } from '../../src/tui/model.js';
import { makeShell, memoryIO } from '../helpers.js';

export const KEY = {
  pgDn: '\x1b[6~',
  pgUp: '\x1b[5~',
  up: '\x1b[A',
  down: '\x1b[B',
  left: '\x1b[D',
  right: '\x1b[C',
  home: '\x1b[H',
  end: '\x1b[F',
  altUp: '\x1b[1;3A',
  altDown: '\x1b[1;3B',
  shiftTab: '\x1b[Z',
  esc: '\x1b',
  tab: '\t',
  enter: '\r',
  ctrlC: '\x03',
  ctrlD: '\x04',
  ctrlO: '\x0f',
  alt: (d: string) => `\x1b${d}`,
  /** A wheel notch or a click at a cell (from 0), as xterm reports it (SGR 1006). */
  wheelUp: (x: number, y: number) => `\x1b[<64;${x + 1};${y + 1}M`,
  wheelDown: (x: number, y: number) => `\x1b[<65;${x + 1};${y + 1}M`,
  click: (x: number, y: number) => `\x1b[<0;${x + 1};${y + 1}M`,
};

export const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

// eslint-disable-next-line no-control-regex -- stripping escape codes is the point
const SGR = /\x1b\[[0-9;]*m/g;

export function plain(s: string): string {
  return s.replace(SGR, '');
}

/**
 * The console at `cols` x `rows` on a fresh shell. `readText`: the files the shell reads (play FILE);
 * animations are off unless `animate` is true (tests of animations turn them on).
 */
export function mount(
  cols = 100,
  rows = 30,
  o: ModelOptions & { readText?: (path: string) => string; files?: (prefix: string) => string[] } = {},
) {
  const io = memoryIO();
  if (o.readText) io.readText = o.readText;
  const model = new ConsoleModel(makeShell({}, io), { animate: false, ...o });
  const left: Leave[] = [];
  const app = renderAt(
    <Console model={model} cols={cols} rows={rows} onLeave={(w) => left.push(w)} files={o.files ?? (() => [])} />,
    cols,
  );
  const frame = () => app.lastFrame() ?? '';
  /** Write keys one by one, as a terminal delivers them, waiting for ink between them. */
  const type = async (...keys: string[]) => {
    await tick();
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
    }
  };
  /** Poll the frame until `ok` holds (a timer-driven change: the clock, a long run, an animation). */
  const until = async (what: string, ok: (f: string) => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!ok(frame())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the frame was:\n${frame()}`);
      await tick(20);
    }
    return frame();
  };
  return { model, app, frame, type, until, left };
}

/** Everything the output pane holds (not only what it shows), one line per wrapped line, plain text. */
export function outputOf(model: ConsoleModel, width = 200): string {
  return model.out
    .allLines(width)
    .map((l) => plain(l.text))
    .join('\n');
}

/** The rows of the screen from the header to the output pane's rule: the panels. */
export function panelsOf(frame: string): string {
  const lines = frame.split('\n');
  const rule = lines.findIndex((l) => /^[─▸] output/.test(l));
  return lines.slice(0, rule < 0 ? lines.length : rule).join('\n');
}

/** The output pane as the screen shows it: the rows between its rule and the hint bar. */
export function outputShown(frame: string): string {
  const lines = frame.split('\n');
  const rule = lines.findIndex((l) => /^[─▸] output/.test(l));
  return lines.slice(rule + 1, lines.length - 2).join('\n');
}

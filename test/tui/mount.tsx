// Mounting the console under ink-testing-library for the console's tests: the same React tree the
// terminal shows, driven by keys written to a fake stdin, read back from the last frame.

import { render } from 'ink-testing-library';
import { Console, Leave } from '../../src/tui/app.js';
import { ConsoleModel, type ModelOptions } from '../../src/tui/model.js';
import { makeShell, memoryIO } from '../helpers.js';

export const KEY = {
  pgDn: '\x1b[6~',
  pgUp: '\x1b[5~',
  up: '\x1b[A',
  down: '\x1b[B',
  left: '\x1b[D',
  right: '\x1b[C',
  esc: '\x1b',
  tab: '\t',
  enter: '\r',
  ctrlC: '\x03',
  ctrlD: '\x04',
};

export const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** `readText`: the files the shell reads (play FILE), instead of none. */
export function mount(cols = 100, rows = 30, o: ModelOptions & { readText?: (path: string) => string } = {}) {
  const io = memoryIO();
  if (o.readText) io.readText = o.readText;
  const model = new ConsoleModel(makeShell({}, io), o);
  const left: Leave[] = [];
  const app = render(<Console model={model} cols={cols} rows={rows} onLeave={(w) => left.push(w)} />);
  const frame = () => app.lastFrame() ?? '';
  /** Write keys one by one, as a terminal delivers them, waiting for ink between them. */
  const type = async (...keys: string[]) => {
    await tick();
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
    }
  };
  /** Poll the frame until `ok` holds (a timer-driven change: the clock, a long run). */
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

/** The live area only: the lines from the header down (the log above it is <Static>). */
export function live(frame: string): string {
  return frame.slice(frame.lastIndexOf('kylinx-sh kylinx'));
}

/** The log only: everything above the live area. */
export function logOf(frame: string): string {
  return frame.slice(0, frame.lastIndexOf('kylinx-sh kylinx'));
}

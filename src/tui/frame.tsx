// Console frames without a terminal, for the perf row render_1000_ms and its small-size test.
// - renderFrame: one frame drawn from scratch to a string (React tree and layout built anew);
// - LiveConsole: the console mounted in ink as in a terminal, writing to a sink, so a frame after a
//   command costs what it costs in the running console: the engine asked again, React re-rendering
//   what changed, ink laying out and drawing the screen (written whole, unthrottled).

import { EventEmitter } from 'node:events';
import { render, renderToString } from 'ink';
import { Console } from './app.js';
import { inkStdin, inkStdout, type InkStdin, type InkStdout } from './ink-streams.js';
import type { ConsoleModel } from './model.js';

export function renderFrame(model: ConsoleModel, cols: number, rows: number): string {
  return renderToString(<Console model={model} cols={cols} rows={rows} />, { columns: cols });
}

/** A stdout that is a terminal of `cols` columns and keeps only what was last written. */
class Sink extends EventEmitter implements InkStdout {
  readonly isTTY = true;
  readonly rows = 100_000;
  written = 0;
  constructor(readonly columns: number) {
    super();
  }
  write(s: string, done?: () => void): boolean {
    this.written += s.length;
    done?.();
    return true;
  }
}

class QuietStdin extends EventEmitter implements InkStdin {
  readonly isTTY = false;
  setEncoding(): void {}
  setRawMode(): void {}
  ref(): void {}
  unref(): void {}
  resume(): void {}
  pause(): void {}
  read(): null {
    return null;
  }
}

export interface LiveConsole {
  /** One frame after `change` (a command, a selection move): the model asks the engine again and ink draws; returns the bytes written. */
  frame(change?: () => void): Promise<number>;
  unmount(): void;
}

export function liveConsole(model: ConsoleModel, cols: number, rows: number): LiveConsole {
  const out = new Sink(cols);
  const app = render(<Console model={model} cols={cols} rows={rows} />, {
    stdout: inkStdout(out),
    stdin: inkStdin(new QuietStdin()),
    stderr: inkStdout(out, process.stderr),
    exitOnCtrlC: false,
    patchConsole: false,
    // Debug mode draws every change at once and writes the whole frame (no throttle, no diff), so the
    // time of a frame is measured rather than a wait; the diff ink skips here costs little beside it.
    debug: true,
  });
  return {
    async frame(change) {
      const before = out.written;
      change?.();
      model.refresh();
      // React commits an update from outside an event in a microtask; ink draws in that commit.
      await new Promise((r) => setImmediate(r));
      return out.written - before;
    },
    unmount: () => app.unmount(),
  };
}

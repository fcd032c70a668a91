// What ink writes to: the real stdout seen through a view the console controls.
//
// - Its height is one ink never reaches. The console keeps its live area shorter than the terminal, so
//   ink's path for output taller than the screen (clear the terminal, print every static line again)
//   never runs; resizes are handled by the console (console.tsx), not by ink.
// - Ink 6.8's incremental writer (which rewrites only the lines that changed) starts one line too low
//   when its output ends with a newline, as it does below a full screen: the cursor sits on the line
//   after the output, and it moves up by the number of lines less one. The view adds the missing line
//   to that first cursor-up of each incremental frame. Only for the ink versions known to need it.

import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { InkStdout } from './ink-streams.js';

/** An incremental frame starts: [hide cursor][down N][column 1] then up N, then the first line. */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const FRAME_START = /^((?:\x1b\[\?25l)?(?:\x1b\[\d+B)?(?:\x1b\[1G)?)\x1b\[(\d+)A(?=\x1b\[E|\x1b\[1G)/;

export function inkVersion(): string {
  try {
    const index = fileURLToPath(import.meta.resolve('ink'));
    const pkg = index.replace(/build[\\/]index\.js$/, 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Whether this ink's incremental writer has the off-by-one described above. */
export function needsFrameFix(version: string): boolean {
  return /^6\.8\./.test(version);
}

/** The frame with its first cursor-up corrected (other writes pass unchanged). */
export function fixFrame(s: string): string {
  return s.replace(FRAME_START, (_m, pre: string, n: string) => `${pre}\x1b[${Number(n) + 1}A`);
}

export class InkView extends EventEmitter implements InkStdout {
  readonly isTTY = true;
  private readonly fix: boolean;
  constructor(
    private readonly out: NodeJS.WriteStream,
    fix = needsFrameFix(inkVersion()),
  ) {
    super();
    this.fix = fix;
  }
  get columns(): number {
    return this.out.columns || 80;
  }
  get rows(): number {
    return 100_000;
  }
  write(s: string, done?: () => void): boolean {
    return this.out.write(this.fix ? fixFrame(s) : s, done);
  }
}

// Commands only the console can carry out: `clock` lets virtual time run on a wall-clock timer while
// the class watches, `play` steps through a script with time travel. They are in the command table so
// `help` lists them and completion knows them; the console intercepts them before the shell runs a
// line (src/tui/console-commands.ts). Anywhere else (-c, a script, --plain) they fail saying why.

import { fail } from '../engine/errors.js';
import type { CommandSpec } from './types.js';

/** Speeds `clock on` accepts: virtual seconds per wall second. */
export const CLOCK_MIN_SPEED = 0.01;
export const CLOCK_MAX_SPEED = 3600;

/** `clock on [speed]`: the speed, e.g. 10 or 10x (default 1: virtual time as fast as wall time). */
export function parseSpeed(text: string | undefined): number {
  if (text === undefined) return 1;
  const m = /^([0-9]+(?:\.[0-9]+)?)x?$/.exec(text);
  const v = m ? Number(m[1]) : NaN;
  if (!(v >= CLOCK_MIN_SPEED && v <= CLOCK_MAX_SPEED))
    fail(
      'EINVAL',
      `clock speed must be a number from ${CLOCK_MIN_SPEED} to ${CLOCK_MAX_SPEED} (virtual seconds per second, e.g. 10 or 10x), not '${text}'`,
    );
  return v;
}

function needsConsole(instead: string): never {
  fail('ENOTTY', `needs the console (kylinx-sh in a terminal); ${instead}`);
}

const clock: CommandSpec = {
  name: 'clock',
  family: 'scheduler',
  summary: 'Console only: let virtual time run continuously (clock on [speed]) or stop it (clock off)',
  usage: 'on [speed] | off',
  args: [
    { name: 'on|off', kind: 'word' },
    { name: 'speed', kind: 'word', optional: true },
  ],
  consoleOnly: true,
  help: 'clock on 10 runs 10 s of virtual time per wall second, in steps of 200 ms of wall time; typing still works. The header shows the clock. In scripts use run <duration>.',
  run: () => needsConsole('in scripts use run <duration>'),
};

const play: CommandSpec = {
  name: 'play',
  family: 'session',
  summary: 'Console only: step through a script, one command per key, and back (time travel)',
  args: [{ name: 'file', kind: 'file' }],
  consoleOnly: true,
  help: 'The next command is shown before it runs; Enter, Space or → runs it, ← or b steps back (the state before it returns), q or Esc stops. say lines are framed. Without the console: kylinx-sh --step FILE.',
  run: () => needsConsole('without it use kylinx-sh --step FILE'),
};

export const CONSOLE_ONLY: CommandSpec[] = [clock, play];

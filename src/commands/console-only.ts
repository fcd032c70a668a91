// Commands only the console can carry out: `clock` lets virtual time run on a wall-clock timer while
// the class watches, `play` steps through a script with time travel. They are in the command table so
// `help` lists them, completion knows them and their arguments are checked as every command's are;
// their work is a handoff (effects.ts) that the console's host performs. Anywhere else (-c, a script,
// --plain, --step) the handoff's `otherwise` refuses them, saying why and what to use instead.

import { fail } from '../engine/errors.js';
import { maybe, one } from './args.js';
import { badArg, choice, file, type Kind } from './kinds.js';
import { command, type AnyCommand } from './types.js';

/** Speeds `clock on` accepts: virtual seconds per wall second. */
export const CLOCK_MIN_SPEED = 0.01;
export const CLOCK_MAX_SPEED = 3600;

/** The clock's wall-time step: every STEP_MS the console runs speed x STEP_MS of virtual time. */
export const CLOCK_STEP_MS = 200;

/** `clock on [speed]`: the speed, e.g. 10 or 10x. */
const speed: Kind<number> = {
  kind: 'word',
  parse(w) {
    const m = /^([0-9]+(?:\.[0-9]+)?)x?$/.exec(w);
    const v = m ? Number(m[1]) : NaN;
    if (!(v >= CLOCK_MIN_SPEED && v <= CLOCK_MAX_SPEED))
      badArg(
        `clock speed must be a number from ${CLOCK_MIN_SPEED} to ${CLOCK_MAX_SPEED} (virtual seconds per second, e.g. 10 or 10x), not '${w}'`,
      );
    return v;
  },
};

function needsConsole(instead: string): never {
  fail('ENOTTY', `needs the console (kylinx-sh in a terminal); ${instead}`);
}

const clock = command({
  name: 'clock',
  family: 'scheduler',
  summary: 'Console only: let virtual time run continuously (clock on [speed]) or stop it (clock off)',
  usage: 'on [speed] | off',
  args: { onOff: one(choice(['on', 'off']), 'on|off'), speed: maybe(speed) },
  consoleOnly: true,
  help: `clock on 10 runs 10 s of virtual time per wall second, in steps of ${CLOCK_STEP_MS} ms of wall time; typing still works. The header shows the clock. In scripts use run <duration>.`,
  run(_ctx, a) {
    const otherwise = (): never => needsConsole('in scripts use run <duration>');
    if (a.onOff === 'off') return { effect: { kind: 'clock-off' }, otherwise };
    // Default 1: virtual time as fast as wall time.
    return { effect: { kind: 'clock-on', speed: a.speed ?? 1 }, otherwise };
  },
});

const play = command({
  name: 'play',
  family: 'session',
  summary: 'Console only: step through a script, one command per key, and back (time travel)',
  args: { file: one(file) },
  consoleOnly: true,
  help: 'The next command is shown before it runs; Enter, Space or → runs it, ← or b steps back (the state before it returns), q or Esc stops. say lines are framed. Without the console: kylinx-sh --step FILE.',
  run(_ctx, a) {
    return {
      effect: { kind: 'play-script', file: a.file },
      otherwise: () => needsConsole('without it use kylinx-sh --step FILE'),
    };
  },
});

export const CONSOLE_ONLY: AnyCommand[] = [clock, play];

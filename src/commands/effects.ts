// Effects: where a command needs the mode to do more than print its result. A handler returns them
// (types.ts: a Result's `effect`, a Handoff's `effect`); the mode's host (ModeHost) is the one place
// that carries them out. The console performs them (src/tui/console-host.ts); the scripted modes (-c,
// a script, stdin, --plain, --step) show narration and run or refuse the rest (scripted-host.ts).

import type { ForkStep } from '../engine/fork-steps.js';
import type { Ctx, Handoff, Outcome, Result } from './types.js';

/** A stage of a library update as the console animates it (Fig. 7's four stages). */
export interface StageTime {
  stage: number;
  name: string;
  us: number;
}

/** One child of a fork: its name, domid and the modeled time of its do_fork. */
export interface ForkedChild {
  name: string;
  domid: number;
  us: number;
}

/**
 * A mechanism the console animates while it runs, from what the engine computed when the command ran
 * (the engine is done before the animation starts). Each variant names its mechanism and carries what
 * the animation draws; a mode that does not animate ignores it (the result's text says it all).
 * Mechanisms that show in the data itself (a ring's fill, a copy-on-write break, a wait) need no
 * variant: the console draws them from the engine's state. Variants are drawn in src/tui/anim/.
 */
export type Animation =
  /** A library update's four stages per pVM, as KylinX's Fig. 7 times them, after the wait for quiescence. */
  | {
      mechanism: 'update-stages';
      lib: string;
      pvms: readonly { name: string; waitUs: number; stages: readonly StageTime[] }[];
    }
  /** KylinX do_fork: the first child's steps with their modeled times (the others take the same steps). */
  | { mechanism: 'fork-steps'; parent: string; steps: readonly ForkStep[]; children: readonly ForkedChild[] };

/**
 * How a result is shown beyond its text: `say` is demo narration (framed where there is a terminal,
 * a plain line in a pipe, data in --json); `animate` is a mechanism the console draws step by step.
 */
export type ShowEffect = { kind: 'say'; text: string } | { kind: 'animate'; animation: Animation };

/** Work that is the mode's to do: a Handoff's effect. */
export type ActEffect =
  /** The full-screen dashboard (top without -b). */
  | { kind: 'dashboard' }
  /** Let virtual time run on a wall-clock timer at `speed` virtual seconds per second. */
  | { kind: 'clock-on'; speed: number }
  | { kind: 'clock-off' }
  /** Step through a script, one command per key, with time travel. */
  | { kind: 'play-script'; file: string }
  /** A run long enough that the console runs it in steps Ctrl-C can stop. */
  | { kind: 'long-run'; ns: number }
  /** Animations of mechanisms: on, off, a slow-down factor (wall time per modeled time), or null to ask. */
  | { kind: 'animation'; set: 'on' | 'off' | number | null };

/** The rest of a held line: runs the commands after the one whose effect held it. */
export type Resume = () => void;

export interface ActOptions {
  ctx: Ctx;
  /** The command as typed (for the console's log). */
  line: string;
  /**
   * Present when the line may wait for the effect (a line typed at the console, not a command inside
   * `source` or `try`): holds the commands after this one and returns what runs them later.
   */
  hold?: () => Resume;
}

/** What `act` returns for an effect that holds the line: its outcome is reported when it ends. */
export const HELD = Symbol('held');

/** The mode's host: the one place, per mode, where effects are carried out. */
export interface ModeHost {
  /**
   * Carry out a command's handoff: do it (the console), or give `h.otherwise()` (the command's result
   * without the mode acting, or its refusal, thrown), or HELD when `o.hold` was called.
   */
  act(h: Handoff, o: ActOptions): Result | typeof HELD;
  /** Show an outcome: print it, log it, with its ShowEffect. */
  show(o: Outcome): void;
}

/** The host of a shell nobody watches (tests, tools): handoffs run or refuse as in a script; nothing shown. */
export const QUIET_HOST: ModeHost = {
  act: (h) => h.otherwise(),
  show: () => {},
};

// The kinds of words a command takes, each turning one word into a typed value before the handler
// runs: a pVM into its Domain, a duration into ns, an int within its range, a signal, a library
// reference, a pipe, one of a few words. A word of the wrong form is a usage error (EUSAGE, exit
// status 2) naming the argument and the form expected; a word of the right form that names nothing
// (no pVM named 'wbe') keeps the engine's error, since the command was typed right.

import type { Domain } from '../engine/domain.js';
import { EngineError, fail } from '../engine/errors.js';
import { parseLibRef } from '../engine/dl/store.js';
import { parseKey } from '../engine/ipc/keys.js';
import { pipeById } from '../engine/ipc/pipe.js';
import { parseSize } from '../engine/ipc/shm.js';
import type { Pipe } from '../engine/ipc/state.js';
import { parseSignal } from '../engine/signals.js';
import { suggest } from '../engine/suggest.js';
import type { Ctx } from './types.js';

/** The kind of a positional argument or an option's value: completion, fuzzing and usage lines read it. */
export type ArgKind =
  | 'pvm'
  | 'image'
  | 'region'
  | 'int'
  | 'word'
  | 'text'
  | 'file'
  | 'command'
  | 'signal'
  | 'duration'
  | 'lib'
  | 'pipe'
  | 'choice'
  | 'key'
  | 'size'
  | 'function';

/** How one word becomes a value of type T. */
export interface Kind<T> {
  readonly kind: ArgKind;
  /** The words a choice accepts (completion offers them). */
  readonly choices?: readonly string[];
  /** `what` names the argument in errors ("the number of children"). */
  parse(word: string, ctx: Ctx, what: string): T;
}

// ---- kinds ---------------------------------------------------------------------------------------

/** A usage error about one argument's form (the caller adds the usage line). */
export function badArg(why: string): never {
  fail('EUSAGE', why);
}

/** An engine parser's EINVAL (a word of the wrong form) as a usage error with the same message. */
export function formOf<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof EngineError && e.code === 'EINVAL') badArg(e.message);
    throw e;
  }
}

const asIs = (kind: ArgKind): Kind<string> => ({ kind, parse: (w) => w });

export const word = asIs('word');
export const text = asIs('text');
export const file = asIs('file');
export const image = asIs('image');
/** A region of the pVM named before it (heap, text, lib:libm, shm:1); the handler finds it in that pVM. */
export const region = asIs('region');
/** A command's name (help, try): the handler looks it up. */
export const commandName = asIs('command');

/** A pVM by name or domid: its Domain (no such pVM keeps the engine's ENOENT). */
export const pvm: Kind<Domain> = { kind: 'pvm', parse: (w, ctx) => ctx.hv.lookup(w) };

/** A whole number from min to max (the safe integers when left out). */
export function int(min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, what?: string): Kind<number> {
  const range =
    min === -Number.MAX_SAFE_INTEGER
      ? max === Number.MAX_SAFE_INTEGER
        ? ''
        : ` up to ${max}`
      : max === Number.MAX_SAFE_INTEGER
        ? ` from ${min}`
        : min < 0
          ? ` from ${min} to ${max}`
          : ` ${min}-${max}`;
  return {
    kind: 'int',
    parse(w, _ctx, name) {
      const n = /^-?[0-9]+$/.test(w) ? Number(w) : NaN;
      if (!(n >= min && n <= max)) badArg(`${what ?? name} must be a whole number${range}, not '${w}'`);
      return n;
    },
  };
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };

/** A virtual duration like 500ms, 10s, 1h, 1.5s, more than zero and at most `maxNs`: its ns. */
export function duration(maxNs: number, tooLong: (w: string) => string): Kind<number> {
  return {
    kind: 'duration',
    parse(w, _ctx, name) {
      const m = /^([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|min|h)$/.exec(w);
      if (!m) badArg(`'${w}' is not a duration (examples: 500ms, 10s, 2m, 1h)`);
      const ns = Math.round(Number(m[1]) * DURATION_UNITS[m[2]!]!);
      if (ns <= 0) badArg(`${name} must be more than zero, not ${w}`);
      if (ns > maxNs) badArg(tooLong(w));
      return ns;
    },
  };
}

/** A signal as -KILL, -9, -SIGUSR1, USR1: its name (SIGKILL). */
export const signal: Kind<string> = { kind: 'signal', parse: (w) => formOf(() => parseSignal(w)) };

export interface LibRef {
  name: string;
  version?: string;
}

/** A library as name or name@version; `needVersion` makes the version part of the form. */
export function lib(needVersion: boolean): Kind<LibRef> {
  return { kind: 'lib', parse: (w) => formOf(() => parseLibRef(w, needVersion)) };
}

/** A library function as lib.function (libm.sqrt). */
export const libFunction: Kind<{ lib: string; fn: string }> = {
  kind: 'function',
  parse(w) {
    const dot = w.indexOf('.');
    if (dot <= 0 || dot === w.length - 1) badArg(`'${w}' is not <lib>.<function> (e.g. libm.sqrt)`);
    return { lib: w.slice(0, dot), fn: w.slice(dot + 1) };
  },
};

/** A pipe as its number or pipe:N: the pipe (none with that number keeps the engine's EBADF). */
export const pipe: Kind<Pipe> = {
  kind: 'pipe',
  parse(w, ctx) {
    if (!/^(?:pipe:)?[0-9]+$/.test(w))
      badArg(`'${w}' is not a pipe (give its number, as pipe printed it: 3 or pipe:3)`);
    return pipeById(ctx.hv.ipc, w);
  },
};

/** A System V IPC key: a number from ftok, or IPC_PRIVATE. */
export const ipcKey: Kind<number> = { kind: 'key', parse: (w) => formOf(() => parseKey(w)) };

/** A size in bytes, or with K/M/G. */
export const size: Kind<number> = { kind: 'size', parse: (w) => formOf(() => parseSize(w)) };

/** One of a few words (a subcommand, a format). */
export function choice<const C extends readonly string[]>(choices: C): Kind<C[number]> {
  const is = (w: string): w is C[number] => choices.includes(w);
  return {
    kind: 'choice',
    choices,
    parse(w, _ctx, name) {
      if (is(w)) return w;
      const near = suggest(w, choices);
      // A label that lists the choices (on|off) is not repeated before them.
      const head = name.includes('|') ? '' : `${name}: `;
      badArg(`${head}expected ${orList(choices)}, not '${w}'${near ? ` (did you mean '${near}'?)` : ''}`);
    },
  };
}

function orList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

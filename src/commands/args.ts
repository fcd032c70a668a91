// Turning a command's words into typed values, by the command's entry in the table, before its
// handler runs: a pVM into its Domain, a duration into ns, an int within its range, a signal, a
// library reference, a pipe. A word of the wrong form is a usage error (EUSAGE, exit status 2) that
// names the argument and the form expected; a word of the right form that names nothing (no pVM
// named 'wbe') keeps the engine's error, since the command was typed right.

import type { Domain } from '../engine/domain.js';
import { EngineError, fail } from '../engine/errors.js';
import { parseLibRef } from '../engine/dl/store.js';
import { parseKey } from '../engine/ipc/msg.js';
import { type Pipe, pipeById } from '../engine/ipc/pipe.js';
import { parseSize } from '../engine/ipc/shm.js';
import { ipcOf } from '../engine/ipc/subsystem.js';
import { parseSignal } from '../engine/signals.js';
import { suggest } from '../engine/suggest.js';
import type { AnyCommand, Ctx } from './types.js';

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

/** A positional argument: its kind, and whether it may be left out or takes every remaining word. */
export interface ArgSpec<V> {
  readonly kind: ArgKind;
  readonly choices?: readonly string[];
  /** The name in usage lines and errors when it is not the key ("lib[@version]"). */
  readonly label?: string;
  readonly optional: boolean;
  readonly rest: boolean;
  /** The argument's words (none when left out, one, or every remaining one) as the handler's value. */
  value(words: readonly string[], ctx: Ctx, what: string): V;
}

/** An option: a flag (--eager) or one that takes a value (--offset 3). */
export interface OptSpec<V> {
  readonly short?: string;
  readonly summary: string;
  /** The kind of its value; undefined for a flag. */
  readonly kind?: ArgKind;
  readonly choices?: readonly string[];
  /** Its value: `given` is the word after it, true for a flag that is there, undefined when absent. */
  value(given: string | true | undefined, ctx: Ctx, what: string): V;
}

export type ArgSpecs = Record<string, ArgSpec<unknown>>;
export type OptSpecs = Record<string, OptSpec<unknown>>;

/** The handler's typed values of a command's arguments or options. */
export type Values<S> = { [K in keyof S]: S[K] extends { value(...x: never[]): infer V } ? V : never };

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
    return pipeById(ipcOf(ctx.hv), w);
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

// ---- arguments and options -----------------------------------------------------------------------

/** A positional argument that must be given. */
export function one<T>(k: Kind<T>, label?: string): ArgSpec<T> {
  return { ...shape(k, label), optional: false, rest: false, value: (ws, ctx, what) => k.parse(ws[0]!, ctx, what) };
}

/** A positional argument that may be left out (undefined then). */
export function maybe<T>(k: Kind<T>, label?: string): ArgSpec<T | undefined> {
  return {
    ...shape(k, label),
    optional: true,
    rest: false,
    value: (ws, ctx, what) => (ws[0] === undefined ? undefined : k.parse(ws[0], ctx, what)),
  };
}

/** Every remaining positional argument: at least one unless `optional`. */
export function many<T>(k: Kind<T>, o: { optional?: boolean; label?: string } = {}): ArgSpec<T[]> {
  return {
    ...shape(k, o.label),
    optional: o.optional === true,
    rest: true,
    value: (ws, ctx, what) => ws.map((w) => k.parse(w, ctx, what)),
  };
}

function shape(
  k: Kind<unknown>,
  label: string | undefined,
): { kind: ArgKind; choices?: readonly string[]; label?: string } {
  return { kind: k.kind, ...(k.choices ? { choices: k.choices } : {}), ...(label !== undefined ? { label } : {}) };
}

/** An option without a value: true when given. */
export function flag(summary: string, short?: string): OptSpec<boolean> {
  return { summary, ...(short ? { short } : {}), value: (given) => given !== undefined };
}

/** An option with a value of kind `k`: undefined when absent. */
export function option<T>(k: Kind<T>, summary: string, short?: string): OptSpec<T | undefined> {
  return {
    summary,
    ...(short ? { short } : {}),
    kind: k.kind,
    ...(k.choices ? { choices: k.choices } : {}),
    value: (given, ctx, what) => (typeof given === 'string' ? k.parse(given, ctx, what) : undefined),
  };
}

// ---- parsing a command's words -------------------------------------------------------------------

export function usageOf(spec: AnyCommand): string {
  if (spec.usage !== undefined) return `${spec.name} ${spec.usage}`.trim();
  const parts = Object.entries(spec.args).map(([key, a]) => {
    const n = a.rest ? `${a.label ?? key}...` : (a.label ?? key);
    return a.optional ? `[${n}]` : `<${n}>`;
  });
  for (const [name, o] of Object.entries(spec.options ?? {})) {
    const flagText = o.short ? `-${o.short}` : `--${name}`;
    parts.push(o.kind ? `[${flagText} ${o.choices?.join('|') ?? o.kind}]` : `[${flagText}]`);
  }
  return [spec.name, ...parts].join(' ');
}

export function usageError(spec: AnyCommand, why: string): never {
  fail('EUSAGE', `${why} (usage: ${usageOf(spec)})`);
}

/** The words of a command split by its spec: positional words per argument, and options as given. */
interface Split {
  pos: Map<string, string[]>;
  opts: Map<string, string | true>;
}

function split(spec: AnyCommand, words: readonly string[]): Split {
  const pos: string[] = [];
  const opts = new Map<string, string | true>();
  const options = Object.entries(spec.options ?? {});
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (spec.rawArgs) {
      pos.push(w);
      continue;
    }
    let opt: (typeof options)[number] | undefined;
    let inline: string | undefined;
    if (w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      const name = eq > 0 ? w.slice(2, eq) : w.slice(2);
      inline = eq > 0 ? w.slice(eq + 1) : undefined;
      opt = options.find(([n]) => n === name);
      if (!opt) {
        const near = suggest(
          name,
          options.map(([n]) => n),
        );
        usageError(spec, `unknown option --${name}${near ? ` (did you mean --${near}?)` : ''}`);
      }
    } else if (isShortFlag(w)) {
      opt = options.find(([, o]) => o.short === w[1]);
    }
    if (!opt) {
      pos.push(w);
      continue;
    }
    const [name, o] = opt;
    if (o.kind) {
      const v = inline ?? words[++i];
      if (v === undefined) usageError(spec, `${w} needs a value`);
      opts.set(name, v);
    } else {
      if (inline !== undefined) usageError(spec, `--${name} takes no value`);
      opts.set(name, true);
    }
  }
  const out = new Map<string, string[]>();
  let k = 0;
  for (const [key, a] of Object.entries(spec.args)) {
    const what = a.label ?? key;
    if (a.rest) {
      out.set(key, pos.slice(k));
      if (k >= pos.length && !a.optional) usageError(spec, `missing ${what}`);
      k = pos.length;
      break;
    }
    if (k < pos.length) out.set(key, [pos[k++]!]);
    else if (!a.optional) usageError(spec, `missing ${what}`);
    else out.set(key, []);
  }
  if (k < pos.length) usageError(spec, `unexpected argument '${pos[k]}'`);
  return { pos: out, opts };
}

/** `-x`, one ASCII letter (what /^-[A-Za-z]$/ matches, without a regular expression per word). */
function isShortFlag(w: string): boolean {
  if (w.length !== 2 || w.charCodeAt(0) !== 0x2d) return false;
  const c = w.charCodeAt(1) | 0x20;
  return c >= 0x61 && c <= 0x7a;
}

/**
 * A command's words as its handler's values, arguments first, in order, then options. A value of the
 * wrong form is a usage error naming the argument, with the command's usage line.
 */
export function parseArgs(
  spec: AnyCommand,
  words: readonly string[],
  ctx: Ctx,
): { a: Record<string, unknown>; o: Record<string, unknown> } {
  const s = split(spec, words);
  const withUsage = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof EngineError && e.code === 'EUSAGE') usageError(spec, e.message);
      throw e;
    }
  };
  const a: Record<string, unknown> = {};
  for (const [key, arg] of Object.entries(spec.args))
    a[key] = withUsage(() => arg.value(s.pos.get(key) ?? [], ctx, arg.label ?? key));
  const o: Record<string, unknown> = {};
  for (const [name, opt] of Object.entries(spec.options ?? {}))
    o[name] = withUsage(() => opt.value(s.opts.get(name), ctx, `--${name}`));
  return { a, o };
}

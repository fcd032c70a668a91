// A command's arguments and options as typed specs (each of a kind from kinds.ts), and turning the
// words of a command into the handler's values by those specs: positional words in order, options
// by name, then each word parsed by its kind. Mistakes here are usage errors (exit status 2) with the
// command's usage line.

import { EngineError, fail } from '../engine/errors.js';
import { suggest } from '../engine/suggest.js';
import type { ArgKind, Kind } from './kinds.js';
import type { AnyCommand, Ctx } from './types.js';

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
    } else if (isShortCluster(w)) {
      const cluster = shortCluster(spec, options, w);
      if (cluster) {
        for (const [name, v] of cluster.given) opts.set(name, v);
        if (cluster.needsNext !== undefined) {
          const v = words[++i];
          if (v === undefined) usageError(spec, `-${cluster.needsNext.short} needs a value`);
          opts.set(cluster.needsNext.name, v);
        }
        continue;
      }
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

/** `-x...`: a dash, then an ASCII letter (what /^-[A-Za-z]/ matches, without a regular expression per word). */
function isShortCluster(w: string): boolean {
  if (w.length < 2 || w.charCodeAt(0) !== 0x2d) return false;
  const c = w.charCodeAt(1) | 0x20;
  return c >= 0x61 && c <= 0x7a;
}

type Options = [string, OptSpec<unknown>][];

/**
 * Short options as getopt reads them: flags may be clustered (`-bi1` is -b -i 1) and a value may be
 * attached (`-w512`, `-dweb`) or be the next word. A word whose first letter is none of the command's
 * short options is not an option at all (`kill -KILL web`): null, and it stays a positional word.
 */
function shortCluster(
  spec: AnyCommand,
  options: Options,
  w: string,
): { given: [string, string | true][]; needsNext?: { name: string; short: string } } | null {
  const given: [string, string | true][] = [];
  for (let k = 1; k < w.length; k++) {
    const ch = w[k]!;
    const opt = options.find(([, o]) => o.short === ch);
    if (!opt) {
      if (k === 1) return null;
      usageError(spec, `unknown option -${ch} in ${w}`);
    }
    const [name, o] = opt;
    if (!o.kind) {
      given.push([name, true]);
      continue;
    }
    if (k + 1 < w.length) given.push([name, w.slice(k + 1)]);
    else return { given, needsNext: { name, short: ch } };
    return { given };
  }
  return { given };
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

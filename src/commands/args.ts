// Turning a command's words into its arguments, by the command's entry in the table, and the typed
// readers handlers use (numbers, pVMs, durations). Mistakes here are usage errors (exit status 2).

import { Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Hypervisor } from '../engine/hypervisor.js';
import { suggest } from '../engine/suggest.js';
import type { Args, CommandSpec } from './types.js';

export function usageOf(spec: CommandSpec): string {
  if (spec.usage !== undefined) return `${spec.name} ${spec.usage}`.trim();
  const parts = spec.args.map((a) => {
    const n = a.rest ? `${a.name}...` : a.name;
    return a.optional ? `[${n}]` : `<${n}>`;
  });
  for (const o of spec.options ?? []) {
    const flag = o.short ? `-${o.short}` : `--${o.name}`;
    parts.push(o.value ? `[${flag} ${o.value}]` : `[${flag}]`);
  }
  return [spec.name, ...parts].join(' ');
}

export function usageError(spec: CommandSpec, why: string): never {
  fail('EUSAGE', `${why} (usage: ${usageOf(spec)})`);
}

export function parseArgs(spec: CommandSpec, words: string[]): Args {
  const pos: string[] = [];
  const opts: Record<string, string | true | undefined> = {};
  const options = spec.options ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (spec.rawArgs) {
      pos.push(w);
      continue;
    }
    let opt = undefined as (typeof options)[number] | undefined;
    let inline: string | undefined;
    if (w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      const name = eq > 0 ? w.slice(2, eq) : w.slice(2);
      inline = eq > 0 ? w.slice(eq + 1) : undefined;
      opt = options.find((o) => o.name === name);
      if (!opt) {
        const near = suggest(
          name,
          options.map((o) => o.name),
        );
        usageError(spec, `unknown option --${name}${near ? ` (did you mean --${near}?)` : ''}`);
      }
    } else if (isShortFlag(w)) {
      opt = options.find((o) => o.short === w[1]);
    }
    if (!opt) {
      pos.push(w);
      continue;
    }
    if (opt.value) {
      const v = inline ?? words[++i];
      if (v === undefined) usageError(spec, `${w} needs a value`);
      opts[opt.name] = v;
    } else {
      if (inline !== undefined) usageError(spec, `--${opt.name} takes no value`);
      opts[opt.name] = true;
    }
  }
  const out: Args = { pos: {}, rest: [], opts };
  let k = 0;
  for (const a of spec.args) {
    if (a.rest) {
      out.rest = pos.slice(k);
      if (out.rest.length === 0 && !a.optional) usageError(spec, `missing ${a.name}`);
      k = pos.length;
      break;
    }
    if (k < pos.length) out.pos[a.name] = pos[k++];
    else if (!a.optional) usageError(spec, `missing ${a.name}`);
  }
  if (k < pos.length) usageError(spec, `unexpected argument '${pos[k]}'`);
  return out;
}

/** `-x`, one ASCII letter (what /^-[A-Za-z]$/ matches, without a regular expression per word). */
function isShortFlag(w: string): boolean {
  if (w.length !== 2 || w.charCodeAt(0) !== 0x2d) return false;
  const c = w.charCodeAt(1) | 0x20;
  return c >= 0x61 && c <= 0x7a;
}

/** A whole number within bounds; `what` names it in the error. */
export function intArg(text: string, what: string, min: number, max: number): number {
  if (!/^-?[0-9]+$/.test(text)) fail('EINVAL', `${what} must be a whole number, not '${text}'`);
  const n = Number(text);
  if (n < min || n > max) fail('EINVAL', `${what} must be ${min}-${max}, not ${text}`);
  return n;
}

export function pvmArg(hv: Hypervisor, ref: string): Domain {
  return hv.lookup(ref);
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };

/** A virtual duration like 500ms, 10s, 1h, 1.5s; returns ns. */
export function durationArg(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|min|h)$/.exec(text);
  if (!m) fail('EINVAL', `'${text}' is not a duration (examples: 500ms, 10s, 2m, 1h)`);
  const ns = Math.round(Number(m[1]) * DURATION_UNITS[m[2]!]!);
  if (ns <= 0) fail('EINVAL', `duration must be more than zero, not ${text}`);
  return ns;
}

// Tab completion from the command table: command names, then each argument by its kind (pVM names,
// image names, regions of the pVM named before, signals, command names for help).

import type { Engine } from '../engine/index.js';
import type { ImageConfig } from '../engine/image.js';
import { SIGNALS } from '../engine/signals.js';
import { COMMANDS, findCommand } from './table.js';
import { libraryCandidates } from './libs.js';
import type { ArgKind, CommandSpec } from './types.js';

export interface Completion {
  /** The word being completed (the text the candidates replace). */
  word: string;
  candidates: string[];
}

/** Candidates for the last word of `line`. */
export function complete(hv: Engine, images: Map<string, ImageConfig>, line: string): Completion {
  const cmdText = line.slice(line.lastIndexOf(';') + 1).replace(/^\s+/, '');
  const words = cmdText.split(/\s+/);
  const word = words[words.length - 1] ?? '';
  if (words.length <= 1) {
    return { word, candidates: COMMANDS.map((c) => c.name).filter((n) => n.startsWith(word)) };
  }
  let spec: CommandSpec;
  try {
    spec = findCommand(words[0]!);
  } catch {
    return { word, candidates: [] };
  }
  const kind = argKindAt(spec, words.slice(1, -1));
  const pool = kind ? candidatesOf(kind, hv, images, words.slice(1, -1)) : [];
  return { word, candidates: pool.filter((c) => c.startsWith(word)) };
}

/** The kind of the argument after `before` (options and their values skipped). */
function argKindAt(spec: CommandSpec, before: string[]): ArgKind | undefined {
  let pos = 0;
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    const opt = (spec.options ?? []).find((o) => w === `--${o.name}` || (o.short && w === `-${o.short}`));
    if (opt) {
      if (opt.value) {
        if (i === before.length - 1) return opt.value;
        i++;
      }
      continue;
    }
    if (spec.name === 'kill' && w.startsWith('-')) continue;
    pos++;
  }
  const last = before[before.length - 1];
  const pending = (spec.options ?? []).find((o) => last === `--${o.name}` || (o.short && last === `-${o.short}`));
  if (pending?.value) return pending.value;
  const arg = spec.args[Math.min(pos, spec.args.length - 1)];
  if (!arg || (pos >= spec.args.length && !arg.rest)) return undefined;
  return arg.kind;
}

function candidatesOf(kind: ArgKind, hv: Engine, images: Map<string, ImageConfig>, before: string[]): string[] {
  switch (kind) {
    case 'pvm':
      return hv.list().map((d) => d.name);
    case 'image':
      return [...images.keys()];
    case 'region': {
      const owner = [...before].reverse().find((w) => {
        try {
          hv.lookup(w);
          return true;
        } catch {
          return false;
        }
      });
      if (!owner) return [];
      return hv.lookup(owner).regions.map((r) => r.name);
    }
    case 'signal':
      return Object.keys(SIGNALS).map((s) => `-${s.slice(3)}`);
    case 'command':
      return COMMANDS.map((c) => c.name);
    case 'lib':
      return libraryCandidates(hv);
    default:
      return [];
  }
}

/** The longest common prefix of the candidates (what Tab inserts when several match). */
export function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

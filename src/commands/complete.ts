// Tab completion from the command table: command names, then each argument by its kind (pVM names,
// image names, regions of the pVM named before, signals, command names for help).

import type { Engine } from '../engine/index.js';
import type { ImageConfig } from '../engine/image.js';
import { SIGNALS } from '../engine/signals.js';
import { usageOf } from './args.js';
import { isQuit } from './shell.js';
import { COMMANDS, findCommand } from './table.js';
import { libraryCandidates } from './libs.js';
import type { ArgKind } from './kinds.js';
import type { AnyCommand } from './types.js';

export interface Completion {
  /** The word being completed (the text the candidates replace). */
  word: string;
  candidates: string[];
}

/**
 * Candidates for the last word of `line`. `files` lists the paths that start with a prefix (the
 * console's, which may read the disk); without it, file arguments complete to nothing.
 */
export function complete(
  hv: Engine,
  images: Map<string, ImageConfig>,
  line: string,
  files?: (prefix: string) => string[],
): Completion {
  const cmdText = line.slice(line.lastIndexOf(';') + 1).replace(/^\s+/, '');
  const words = cmdText.split(/\s+/);
  const word = words[words.length - 1] ?? '';
  if (words.length <= 1) {
    return { word, candidates: COMMANDS.map((c) => c.name).filter((n) => n.startsWith(word)) };
  }
  let spec: AnyCommand;
  try {
    spec = findCommand(words[0]!);
  } catch {
    return { word, candidates: [] };
  }
  const slot = slotAt(spec, words.slice(1, -1));
  if (slot?.kind === 'file') return { word, candidates: files ? files(word) : [] };
  const pool = !slot ? [] : slot.choices ? [...slot.choices] : candidatesOf(slot.kind, hv, images, words.slice(1, -1));
  return { word, candidates: pool.filter((c) => c.startsWith(word)) };
}

/** What the word after `before` is (options and their values skipped): its kind and, for a choice, the words. */
interface Slot {
  kind: ArgKind;
  choices?: readonly string[];
}

function slotAt(spec: AnyCommand, before: string[]): Slot | undefined {
  const options = Object.entries(spec.options ?? {});
  const optionOf = (w: string | undefined) =>
    options.find(([name, o]) => w === `--${name}` || (o.short !== undefined && w === `-${o.short}`))?.[1];
  const args = Object.values(spec.args);
  let pos = 0;
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    const opt = optionOf(w);
    if (opt) {
      if (opt.kind) {
        if (i === before.length - 1) return { kind: opt.kind, choices: opt.choices };
        i++;
      }
      continue;
    }
    // A signal before the pVM (kill -KILL web) takes no slot of its own.
    if (args[0]?.kind === 'pvm' && args[0].rest && w.startsWith('-')) continue;
    pos++;
  }
  const pending = optionOf(before[before.length - 1]);
  if (pending?.kind) return { kind: pending.kind, choices: pending.choices };
  const arg = args[Math.min(pos, args.length - 1)];
  if (!arg || (pos >= args.length && !arg.rest)) return undefined;
  return arg;
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

/** The usage line of the command whose name is being typed (the last one on the line); null before any. */
export function usageHint(text: string): string | null {
  const cmd = text.slice(text.lastIndexOf(';') + 1).trimStart();
  const words = cmd.split(/\s+/);
  const word = words[0] ?? '';
  if (word === '') return null;
  if (words.length === 1 && isQuit(words)) return `${word}: leave the console`;
  try {
    const spec = findCommand(word);
    return `${usageOf(spec)} — ${spec.summary}`;
  } catch (e) {
    return (e as Error).message;
  }
}

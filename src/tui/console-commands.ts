// What the console does itself with a line before the shell sees it: the console-only commands
// (`clock`, `play`: in the command table with consoleOnly, src/commands/console-only.ts) and a long
// `run`, which the console runs in interruptible steps (longrun.ts). Everything else goes to the shell
// as typed, so a command behaves the same in every mode.

import { durationArg, parseArgs } from '../commands/args.js';
import { splitLine } from '../commands/lex.js';
import { findCommand } from '../commands/table.js';
import type { Args, CommandSpec } from '../commands/types.js';
import { RUN_MAX_NS } from '../commands/sched.js';
import { LONG_RUN_NS } from './longrun.js';

export type Planned =
  | { kind: 'shell'; text: string }
  | { kind: 'console'; spec: CommandSpec; args: Args | null; error: unknown; text: string }
  | { kind: 'long-run'; ns: number; text: string };

/** The line's commands, each marked for the shell or the console; null when only the shell is involved. */
export function planLine(text: string): Planned[] | null {
  let cmds;
  try {
    cmds = splitLine(text);
  } catch {
    return null; // the shell reports the lexical error
  }
  const plan: Planned[] = [];
  for (const c of cmds) plan.push(planOne(c.words, c.text));
  return plan.some((p) => p.kind !== 'shell') ? plan : null;
}

function planOne(words: string[], text: string): Planned {
  let spec: CommandSpec;
  try {
    spec = findCommand(words[0]!);
  } catch {
    return { kind: 'shell', text };
  }
  if (spec.consoleOnly) {
    // Arguments are checked here as the shell would, so a usage error reads the same.
    try {
      return { kind: 'console', spec, args: parseArgs(spec, words.slice(1)), error: null, text };
    } catch (e) {
      return { kind: 'console', spec, args: null, error: e, text };
    }
  }
  if (spec.name === 'run') {
    try {
      const a = parseArgs(spec, words.slice(1));
      const ns = durationArg(a.pos.duration!);
      if (ns > LONG_RUN_NS && ns <= RUN_MAX_NS) return { kind: 'long-run', ns, text };
    } catch {
      // the shell reports it
    }
  }
  return { kind: 'shell', text };
}

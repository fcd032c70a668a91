// The command table (as xl's xl_cmdtable.c): every command once, with its summary, usage and handler.
// Dispatch, `help`, completion and the README's command list all come from here.

import { APPS } from './apps.js';
import { bench } from './bench.js';
import { CLASSROOM } from './classroom.js';
import { CONSOLE_ONLY } from './console-only.js';
import { loadHandlers } from './handlers.js';
import { type CommandText, splitLine } from './lex.js';
import { COST_COMMANDS } from './costs.js';
import { exportCmd } from './export.js';
import { INSPECT } from './inspect.js';
import { IPC_COMMANDS } from './ipc.js';
import { IPC_INSPECT } from './ipc-inspect.js';
import { LIFECYCLE } from './lifecycle.js';
import { LIBRARIES } from './libs.js';
import { CommandLookup } from './lookup.js';
import { MEMORY } from './memory.js';
import { SAVE_RESTORE } from './saverestore.js';
import { SCHED } from './sched.js';
import { SESSION } from './session.js';
import { TOP } from './top.js';
import { XENSTORE } from './xenstore.js';
import { XL_MISC } from './xl-misc.js';
import type { AnyCommand } from './types.js';

export const COMMANDS: AnyCommand[] = [
  ...LIFECYCLE,
  ...SAVE_RESTORE,
  ...INSPECT,
  ...IPC_INSPECT,
  ...XENSTORE,
  ...APPS,
  ...IPC_COMMANDS,
  ...MEMORY,
  ...LIBRARIES,
  ...SCHED,
  ...TOP,
  ...XL_MISC,
  ...SESSION,
  bench,
  ...COST_COMMANDS,
  exportCmd,
  ...CONSOLE_ONLY,
  ...CLASSROOM,
];

const lookup = new CommandLookup(COMMANDS);

/** The command a word names (lookup.ts: xl's cmdtable_lookup), else "command not implemented" (exit 1). */
export function findCommand(word: string): AnyCommand {
  return lookup.findOrFail(word);
}

/** The command a word names, or undefined. */
export function lookupCommand(word: string): AnyCommand | undefined {
  return lookup.find(word);
}

/**
 * Commands that run command text of their own (source a file, try a command, bench sweep a script): a
 * text naming one may run any command.
 */
const RUNS_COMMANDS = new Set(['source', 'try', 'bench']);

/**
 * Load the lazy handlers (handlers.ts) that running `text` may need, split into lines and commands as the
 * shell splits it: those of the commands it names, or every one when it names a command that runs others.
 * A line that does not lex runs nothing (the shell reports it).
 */
export async function loadHandlersFor(text: string): Promise<void> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    let cmds: CommandText[];
    try {
      cmds = splitLine(line);
    } catch {
      continue;
    }
    for (const c of cmds) {
      const name = lookupCommand(c.words[0] ?? '')?.name;
      if (name === undefined) continue;
      if (RUNS_COMMANDS.has(name)) return loadHandlers('all');
      names.add(name);
    }
  }
  return loadHandlers(names);
}

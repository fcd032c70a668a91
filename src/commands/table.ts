// The command table (as xl's xl_cmdtable.c): every command once, with its summary, usage and handler.
// Dispatch, `help`, completion and the README's command list all come from here.

import { fail } from '../engine/errors.js';
import { suggest } from '../engine/suggest.js';
import { bench } from './bench.js';
import { CLASSROOM } from './classroom.js';
import { CONSOLE_ONLY } from './console-only.js';
import { COST_COMMANDS } from './costs.js';
import { exportCmd } from './export.js';
import { INSPECT } from './inspect.js';
import { IPC_COMMANDS } from './ipc.js';
import { IPC_INSPECT } from './ipc-inspect.js';
import { LIFECYCLE } from './lifecycle.js';
import { LIBRARIES } from './libs.js';
import { MEMORY } from './memory.js';
import { SCHED } from './sched.js';
import { SESSION } from './session.js';
import { TOP } from './top.js';
import { XENSTORE } from './xenstore.js';
import type { AnyCommand } from './types.js';

export const COMMANDS: AnyCommand[] = [
  ...LIFECYCLE,
  ...INSPECT,
  ...IPC_INSPECT,
  ...XENSTORE,
  ...IPC_COMMANDS,
  ...MEMORY,
  ...LIBRARIES,
  ...SCHED,
  ...TOP,
  ...SESSION,
  bench,
  ...COST_COMMANDS,
  exportCmd,
  ...CONSOLE_ONLY,
  ...CLASSROOM,
];

const ALIASES: Record<string, string> = { quit: 'exit' };

const byName = new Map(COMMANDS.map((c) => [c.name, c]));

/** The command an exact name or unambiguous prefix names (as xl accepts), else a usage error. */
export function findCommand(word: string): AnyCommand {
  const exact = byName.get(word) ?? byName.get(ALIASES[word] ?? '');
  if (exact) return exact;
  const hits = COMMANDS.filter((c) => c.name.startsWith(word));
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1)
    fail('EUSAGE', `'${word}' is ambiguous: ${hits.map((h) => h.name).join(', ')} (type more letters)`);
  const near = suggest(word, byName.keys());
  fail('EUSAGE', `unknown command '${word}'${near ? ` (did you mean '${near}'?)` : ' (type help for the list)'}`);
}

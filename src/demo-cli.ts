// `kylinx-sh demo`: the demo scripts the package ships, by name, from any directory. Alone it lists them,
// one line each (the script's first comment); `kylinx-sh demo fork-cow [options]` runs one as
// `kylinx-sh [options] <package>/examples/fork-cow.kx` would (--step, --json, --seed... as for a script).

import { readText } from './host-io.js';
import { suggest } from './engine/suggest.js';
import { shippedDemos } from './package-paths.js';

/** Either the exit status (listed, or a usage error), or the arguments to run the chosen demo with. */
export type DemoChoice = { status: number } | { args: string[] };

/** The options of the main command that take a value (the word after them is not the demo's name). */
const VALUED = new Set(['-c', '--command', '--seed', '--host', '--images', '--state', '--record']);

export function chooseDemo(args: string[], out: (s: string) => void, err: (s: string) => void): DemoChoice {
  const demos = shippedDemos(readText);
  const at = args.findIndex((a, i) => !a.startsWith('-') && !VALUED.has(args[i - 1] ?? ''));
  const name = at < 0 ? undefined : args[at]!;
  if (args.includes('-h') || args.includes('--help') || name === undefined) {
    if (args.some((a) => a !== '-h' && a !== '--help')) {
      err('kylinx-sh demo: name a demo to run: kylinx-sh demo fork-cow (kylinx-sh demo lists them)\n');
      return { status: 2 };
    }
    const w = Math.max(...demos.map((d) => d.name.length));
    out('Demo scripts shipped with kylinx-sh (kylinx-sh demo NAME runs one; add --step to step through it):\n');
    for (const d of demos) out(`  ${d.name.padEnd(w)}  ${d.summary}\n`);
    return { status: 0 };
  }
  const demo = demos.find((d) => d.name === name || `${d.name}.kx` === name);
  if (demo === undefined) {
    const starting = demos.filter((d) => d.name.startsWith(name));
    const near =
      starting.length === 1
        ? starting[0]!.name
        : suggest(
            name,
            demos.map((d) => d.name),
          );
    err(
      `kylinx-sh demo: no demo named '${name}'${near ? ` (did you mean '${near}'?)` : ''}; kylinx-sh demo lists them\n`,
    );
    return { status: 2 };
  }
  return { args: [...args.slice(0, at), ...args.slice(at + 1), demo.file] };
}

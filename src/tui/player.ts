// `play FILE` in the console: a script stepped through with time travel (Stepper, as --step uses). The
// play bar replaces the prompt and shows the next command before it runs; keys run it, step back (the
// engine returns to the state saved before that command) or stop.
//
// A script may name the host it was written for in a comment among its first lines, `# host: FILE`
// (a host file, as --host takes); playing it offers to boot that host (else the start-up host) first.

import type { Shell } from '../commands/shell.js';
import { scriptSteps, type Step, Stepper } from '../commands/stepper.js';

export class Player {
  readonly stepper: Stepper;

  constructor(
    shell: Shell,
    readonly file: string,
    text: string,
  ) {
    this.stepper = new Stepper(shell, scriptSteps(text));
  }

  get at(): number {
    return this.stepper.at;
  }

  get total(): number {
    return this.stepper.steps.length;
  }

  get next(): Step | undefined {
    return this.stepper.next;
  }
}

/** The host file a script names in its leading comments (`# host: FILE`), or null. */
export function scriptHost(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) return null;
    const m = /^#\s*host:\s*(\S+)\s*$/.exec(line);
    if (m) return m[1]!;
  }
  return null;
}

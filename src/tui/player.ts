// `play FILE` in the console: a script stepped through with time travel (Stepper, as --step uses). The
// play bar replaces the prompt and shows the next command before it runs; keys run it, step back (the
// engine returns to the state saved before that command) or stop.

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

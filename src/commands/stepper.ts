// Step-through with time travel: a script's commands one at a time, with the engine's serialized
// state saved before each, so stepping back restores exactly the state before that command. Used by
// `kylinx-sh --step FILE` and by the console's `play FILE`.

import { type CommandText, splitLine } from './lex.js';
import { say as SAY } from './session.js';
import type { Shell } from './shell.js';
import { findCommand } from './table.js';
import type { AnyCommand, Outcome } from './types.js';

export interface Step {
  /** The command as written. */
  text: string;
  /** Its words, split once here: the shell runs them as they are. */
  command: CommandText;
  /** Script line, 1-based. */
  line: number;
  /** `say` narration: the play bar shows it as narration before it runs. */
  say: string | null;
}

function specOf(word: string): AnyCommand | undefined {
  try {
    return findCommand(word);
  } catch {
    return undefined;
  }
}

export function scriptSteps(text: string): Step[] {
  const steps: Step[] = [];
  text.split('\n').forEach((raw, i) => {
    for (const c of splitLine(raw)) {
      const say = specOf(c.words[0]!) === SAY ? c.words.slice(1).join(' ') : null;
      steps.push({ text: c.text, command: c, line: i + 1, say });
    }
  });
  return steps;
}

export class Stepper {
  /** Index of the next step to run. */
  at = 0;
  /** Serialized engine state before each step that ran. */
  private readonly before: string[] = [];

  constructor(
    private readonly shell: Shell,
    readonly steps: Step[],
  ) {}

  get done(): boolean {
    return this.at >= this.steps.length;
  }

  get next(): Step | undefined {
    return this.steps[this.at];
  }

  /** Run the next step; its outcomes are returned (and go to the shell's sinks as usual). */
  forward(): Outcome[] {
    const step = this.steps[this.at];
    if (!step) return [];
    this.before[this.at] = JSON.stringify(this.shell.hv.save());
    const outs: Outcome[] = [];
    const off = this.shell.onOutcome((o) => outs.push(o));
    try {
      this.shell.runCommands([step.command], { remember: true });
    } finally {
      off();
    }
    this.at++;
    return outs;
  }

  /** Undo the last step: the engine goes back to its state before it. Returns the step undone. */
  back(): Step | undefined {
    if (this.at === 0) return undefined;
    this.at--;
    this.shell.rewind(this.before[this.at]!);
    return this.steps[this.at];
  }
}

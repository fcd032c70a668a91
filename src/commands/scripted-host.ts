// The host of the scripted modes (-c, a script file, stdin, --plain, --step): the one place where they
// carry out effects. A handoff runs as the command's `otherwise` (a long run whole, top in batch) or
// is refused by it (clock, play: they need the console). Outcomes are printed: errors on `err`, text
// on `out`, `say` narration framed when stdout is a terminal and a plain line in a pipe, and with
// --json one JSON object per command, narration included, as data. A confirmation of a change xl makes
// silently (pause, vcpu-pin, sched-credit -w) is printed only when `verbose` (-v, or an interactive
// --plain or --step session): `kylinx-sh -c "pause web"` prints what `xl pause web` prints, nothing.

import { banner } from './banner.js';
import { explainText } from './explain.js';
import type { ModeHost } from './effects.js';
import { errorLine, outcomeJson, withAsides } from './output.js';

export interface ScriptedHostOptions {
  json: boolean;
  /** stdout is a terminal: narration is framed. */
  tty: boolean;
  /** After each command with a modeled latency, the primitives it is made of (--explain). */
  explain?: boolean;
  /** Print confirmations too (-v; the interactive line modes). */
  verbose?: boolean;
  out(s: string): void;
  err(s: string): void;
}

export function scriptedHost(o: ScriptedHostOptions): ModeHost {
  return {
    act: (h) => h.otherwise(),
    show(x) {
      if (o.json) o.out(JSON.stringify(outcomeJson(x)) + '\n');
      else if (!x.ok) o.err(errorLine(x) + '\n');
      else {
        const say = x.result.effect?.kind === 'say' && o.tty ? banner(x.result.effect.text) : null;
        const quiet = x.result.confirmation === true && o.verbose !== true;
        const t = withAsides(quiet ? '' : (say ?? x.result.text), x);
        if (t) o.out(t + '\n');
        if (o.explain && x.result.cost) o.out(`${explainText(x.result.cost)}\n`);
      }
    },
  };
}

import { describe, expect, it } from 'vitest';
import { scriptSteps, Stepper } from '../../src/commands/stepper.js';
import { makeShell, said, stateOf } from '../helpers.js';

const SCRIPT = `say Fork web and watch the pages
fork web 4
touch web.2 heap 500; touch web.3 heap 10
exit web.4 2; wait web
kill -KILL web.1
say done
`;

describe('step-through with time travel', () => {
  it('splits a script into steps, one per command, with say lines marked', () => {
    const steps = scriptSteps(SCRIPT);
    expect(steps.map((s) => s.text)).toEqual([
      'say Fork web and watch the pages',
      'fork web 4',
      'touch web.2 heap 500',
      'touch web.3 heap 10',
      'exit web.4 2',
      'wait web',
      'kill -KILL web.1',
      'say done',
    ]);
    expect(steps[0]!.say).toBe('Fork web and watch the pages');
    expect(steps[3]!.line).toBe(3);
  });

  it('forward then back five steps equals the state five steps earlier, and forward again replays the same', () => {
    const sh = makeShell();
    const st = new Stepper(sh, scriptSteps(SCRIPT));
    const states = [stateOf(sh)];
    const texts: string[][] = [];
    for (let i = 0; i < 7; i++) {
      texts.push(st.forward().map(said));
      states.push(stateOf(sh));
    }
    for (let i = 0; i < 5; i++) st.back();
    expect(st.at).toBe(2);
    expect(stateOf(sh)).toBe(states[2]);
    expect(sh.hv.check()).toEqual([]);
    for (let i = 2; i < 7; i++) {
      expect(st.forward().map(said)).toEqual(texts[i]);
      expect(stateOf(sh)).toBe(states[i + 1]);
    }
    while (st.back());
    expect(stateOf(sh)).toBe(states[0]);
  });
});

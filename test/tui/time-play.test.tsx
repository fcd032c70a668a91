// Time in the console (clock on/off, a long run stopped by Ctrl-C) and play FILE with time travel.

import { describe, expect, it } from 'vitest';
import { findCommand } from '../../src/commands/table.js';
import { mergeRuns } from '../../src/tui/longrun.js';
import { run as runCmd } from '../../src/commands/sched.js';
import { fail } from '../../src/engine/errors.js';
import { failureOf, makeShell, resultOf, stateOf } from '../helpers.js';
import { KEY, live, logOf, mount, tick } from './mount.js';

describe('clock', () => {
  it('clock on lets virtual time run while typing still works; clock off stops it and says how much ran', async () => {
    const { frame, type, model, until } = mount(120, 40);
    expect(live(frame())).toMatch(/■ clock off/);
    await type('clock on 50', KEY.enter);
    expect(logOf(frame())).toMatch(/clock on at 50x: 10 s of virtual time every 200 ms/);
    expect(live(frame())).toMatch(/▶ clock 50x/);
    await until('time to run', () => model.snapshot.nowNs >= 20e9);
    // The scheduler panel follows the clock.
    expect(live(frame())).toMatch(/scheduler: 6 pCPUs/);
    // Typing goes on between steps.
    await type('fork web 2', KEY.enter);
    expect(live(frame())).toMatch(/web\.2 \(5\)/);
    await type('clock off', KEY.enter);
    const stopped = model.shell.hv.nowNs;
    expect(logOf(frame())).toMatch(/clock off: ran [0-9.]+ s of virtual time in \d+ steps/);
    expect(live(frame())).toMatch(/■ clock off/);
    await tick(450);
    expect(model.shell.hv.nowNs).toBe(stopped);
    expect(model.shell.hv.check()).toEqual([]);
  });

  it('clock and play need the console: elsewhere they fail saying so, and help lists them', () => {
    const shell = makeShell();
    const before = stateOf(shell);
    for (const words of [
      ['clock', 'on'],
      ['play', 'examples/fork.kx'],
    ]) {
      const e = failureOf(shell.runOne(words));
      expect(e.code).toBe('ENOTTY');
      expect(e.message).toMatch(/needs the console/);
    }
    expect(stateOf(shell)).toBe(before);
    const help = resultOf(shell.runOne(['help'])).text;
    expect(help).toMatch(/^ clock +Console only/m);
    expect(help).toMatch(/^ play +Console only/m);
    expect(findCommand('clock').consoleOnly).toBe(true);
  });

  it('bad clock arguments are usage errors that change nothing', async () => {
    const { frame, type, model } = mount(120, 40);
    await type('clock fast', KEY.enter, 'clock on 0', KEY.enter);
    expect(logOf(frame())).toMatch(/clock: expected on or off, not 'fast'/);
    expect(logOf(frame())).toMatch(/clock speed must be a number from 0\.01 to 3600/);
    expect(model.host.clock.on).toBe(false);
  });
});

describe('a long run in the console', () => {
  it('runs in steps that add up to the run, and Ctrl-C stops it at a consistent state saying how far it got', async () => {
    const { frame, type, model, until } = mount(120, 40);
    await type('fork web 4', KEY.enter, 'run 2min', KEY.enter);
    await until('the run to end', () => model.host.longRun === null);
    expect(model.shell.hv.nowNs).toBe(120e9);
    const log = logOf(frame());
    expect(log).toMatch(/ran 2 min of virtual time/);
    expect(log).toMatch(/latency percentiles are given by one uninterrupted run/);
    expect(model.shell.hv.check()).toEqual([]);

    await type('run 1h', KEY.enter);
    expect(model.host.longRun).not.toBeNull();
    await until('the run bar', (f) => /run 1h: .* of 1 h of virtual time · Ctrl-C stops it/.test(live(f)));
    // The prompt refuses a new command while the run goes on; the line stays.
    await type('list', KEY.enter);
    expect(logOf(frame())).toMatch(/a run is in progress \(run 1h\): Ctrl-C stops it/);
    await type(KEY.ctrlC);
    await until('the run to stop', () => model.host.longRun === null);
    const now = model.shell.hv.nowNs;
    expect(now).toBeGreaterThan(120e9);
    expect(now).toBeLessThan(120e9 + 3600e9);
    expect(logOf(frame())).toMatch(/run 1h: stopped by Ctrl-C after [0-9.]+ (ms|s|min) of 1 h of virtual time/);
    expect(model.shell.hv.check()).toEqual([]);
    expect(model.line.text).toBe('list');
  }, 60_000);

  it('holds the commands after it on the line until it ends; Ctrl-C drops them; inside source it is one step', async () => {
    const { frame, type, model, until } = mount(120, 40, { readText: () => 'run 2min\nfork redis' });
    await type('run 90s; fork web', KEY.enter);
    // The fork waits for the run (the run holds the rest of the line): its output comes after the report.
    await until('the run and the fork', () => model.host.longRun === null && model.shell.hv.domains.size === 5);
    expect(model.shell.hv.nowNs).toBe(90e9);
    expect(logOf(frame())).toMatch(/ran 1\.5 min of virtual time[\s\S]*web \(domid 1\) forked 1 child/);

    await type('run 1h; fork web', KEY.enter);
    await until('the run bar', (f) => /run 1h: .* Ctrl-C stops it/.test(live(f)));
    await type(KEY.ctrlC);
    await until('the run to stop', () => model.host.longRun === null);
    await tick(50);
    expect(model.shell.hv.domains.size).toBe(5);

    // A run inside `source` cannot hold the line: it is one uninterrupted step, with percentiles.
    const before = model.shell.hv.nowNs;
    await type('source demo.kx', KEY.enter);
    expect(model.host.longRun).toBeNull();
    expect(model.shell.hv.nowNs).toBe(before + 120e9);
    expect(model.shell.hv.domains.size).toBe(6);
    expect(model.shell.hv.check()).toEqual([]);
  }, 60_000);

  it('the steps add up exactly: CPU, requests, pages written and CoW breaks as one run reports them', () => {
    const one = makeShell();
    const steps = makeShell();
    for (const s of [one, steps]) s.run('fork web 3; fork redis 2', { stopOnError: true });
    const whole = resultOf(one.invoke(runCmd, ['10s'])).data;
    const parts = [1, 2, 3, 4].map((k) => resultOf(steps.invoke(runCmd, [`${k}s`])).data);
    const merged = mergeRuns(parts)!;
    expect(merged.duration_ns).toBe(whole.duration_ns);
    for (const p of whole.pvms) {
      const m = merged.pvms.find((x) => x.domid === p.domid)!;
      expect([m.cpu_ns, m.requests, m.pages_written, m.cow_breaks, m.cpu_pct]).toEqual([
        p.cpu_ns,
        p.requests,
        p.pages_written,
        p.cow_breaks,
        p.cpu_pct,
      ]);
      expect(m.median_us).toBeNull();
    }
  });
});

describe('play FILE', () => {
  const script = ['say Forking web: watch the tree', 'fork web 2', 'touch web.1 heap 100', 'say Done'].join('\n');

  it('shows the next command, runs it on a key, steps back to the state before it, frames say lines', async () => {
    const { frame, type, model } = mount(120, 40, { readText: (p) => (p === 'demo.kx' ? script : '') });
    const start = stateOf(model.shell);
    await type('play demo.kx', KEY.enter);
    let f = live(frame());
    expect(f).toMatch(/▶ play demo\.kx step 1\/4/);
    expect(f).toMatch(/next line 1: say Forking web: watch the tree/);
    expect(f).not.toMatch(/^kylinx>/m);
    await type(KEY.enter);
    expect(logOf(frame())).toMatch(/╔═+╗\n║ Forking web: watch the tree +║\n╚═+╝/);
    await type(' ');
    expect(live(frame())).toMatch(/web\.2 \(5\)/);
    const afterFork = stateOf(model.shell);
    await type(KEY.right);
    expect(live(frame())).toMatch(/next line 4: say Done/);
    // Back twice: the touch, then the fork are undone, state for state.
    await type(KEY.left);
    expect(stateOf(model.shell)).toBe(afterFork);
    expect(logOf(frame())).toMatch(/⟲ stepped back before line 3: touch web\.1 heap 100/);
    await type('b', 'b');
    expect(stateOf(model.shell)).toBe(start);
    expect(live(frame())).not.toMatch(/web\.2 \(5\)/);
    f = live(frame());
    expect(f).toMatch(/next line 1: say/);
    // q stops; the prompt is back and typing works again.
    await type('q');
    expect(model.host.player).toBeNull();
    await type('list', KEY.enter);
    expect(logOf(frame())).toMatch(/^kylinx> list$/m);
  });

  it('a missing or empty script is one error line, and nothing plays', async () => {
    const { frame, type, model } = mount(120, 40, {
      readText: (p) => {
        if (p === 'empty.kx') return '# nothing\n';
        fail('ENOENT', `${p}: no such file`);
      },
    });
    await type('play empty.kx', KEY.enter);
    expect(logOf(frame())).toMatch(/play: empty\.kx has no commands to play/);
    expect(model.host.player).toBeNull();
    await type('play nope.kx', KEY.enter);
    expect(logOf(frame())).toMatch(/^play: nope\.kx: no such file$/m);
  });
});

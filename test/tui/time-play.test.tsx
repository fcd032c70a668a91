// Time in the console (clock on/off, a long run stopped by Ctrl-C) and play FILE with time travel.

import { describe, expect, it } from 'vitest';
import { findCommand } from '../../src/commands/table.js';
import { mergeRuns } from '../../src/tui/longrun.js';
import { run as runCmd } from '../../src/commands/sched.js';
import { fail } from '../../src/engine/errors.js';
import { failureOf, makeShell, memoryIO, resultOf, stateOf } from '../helpers.js';
import { KEY, mount, outputOf, panelsOf, tick } from './mount.js';

describe('clock', () => {
  it('clock on lets virtual time run while typing still works; clock off stops it and says how much ran', async () => {
    const { frame, type, model, until } = mount(120, 40);
    expect(frame()).toMatch(/■ clock off/);
    await type('clock on 50', KEY.enter);
    expect(outputOf(model)).toMatch(/clock on at 50x: 10 s of virtual time every 200 ms/);
    expect(frame()).toMatch(/▶ clock 50x/);
    await until('time to run', () => model.snapshot.nowNs >= 20e9);
    // The scheduler panel follows the clock, its rows in domid order however the shares move.
    await until('the scheduler panel', (f) => /scheduler: 6 pCPUs/.test(panelsOf(f)));
    // Typing goes on between steps.
    await type('fork web 2', KEY.enter);
    expect(panelsOf(frame())).toMatch(/web\.2 \(5\)/);
    // Requests now write pages web shares with its children: the steps' copy-on-write breaks are one
    // entry of the output, folded by kind, not a line per step.
    await until('events while the clock runs', () => /^while the clock ran:$/m.test(outputOf(model)));
    await type('clock off', KEY.enter);
    const stopped = model.shell.hv.nowNs;
    expect(outputOf(model)).toMatch(/clock off: ran [0-9.]+ s of virtual time in \d+ steps/);
    expect(outputOf(model).match(/^while the clock ran/gm)).toHaveLength(1);
    expect(frame()).toMatch(/■ clock off/);
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
    const { type, model } = mount(120, 40);
    await type('clock fast', KEY.enter, 'clock on 0', KEY.enter);
    expect(outputOf(model)).toMatch(/clock: expected on or off, not 'fast'/);
    expect(outputOf(model)).toMatch(/clock speed must be a number from 0\.01 to 3600/);
    expect(model.host.clock.on).toBe(false);
  });
});

describe('a long run in the console', () => {
  it('runs in steps that add up to the run, and Ctrl-C stops it at a consistent state saying how far it got', async () => {
    const { type, model, until } = mount(120, 40);
    await type('fork web 4', KEY.enter, 'run 2min', KEY.enter);
    await until('the run to end', () => model.host.longRun === null);
    expect(model.shell.hv.nowNs).toBe(120e9);
    const log = outputOf(model);
    expect(log).toMatch(/ran 2 min of virtual time/);
    expect(log).toMatch(/latency percentiles are given by one uninterrupted run/);
    expect(model.shell.hv.check()).toEqual([]);

    await type('run 1h', KEY.enter);
    expect(model.host.longRun).not.toBeNull();
    await until('the run bar', (f) => /run 1h: .* of 1 h of virtual time · Ctrl-C stops it/.test(f));
    // The prompt refuses a new command while the run goes on; the line stays.
    await type('list', KEY.enter);
    expect(outputOf(model)).toMatch(/a run is in progress \(run 1h\): Ctrl-C stops it/);
    await type(KEY.ctrlC);
    await until('the run to stop', () => model.host.longRun === null);
    const now = model.shell.hv.nowNs;
    expect(now).toBeGreaterThan(120e9);
    expect(now).toBeLessThan(120e9 + 3600e9);
    expect(outputOf(model)).toMatch(/run 1h: stopped by Ctrl-C after [0-9.]+ (ms|s|min) of 1 h of virtual time/);
    expect(model.shell.hv.check()).toEqual([]);
    expect(model.line.text).toBe('list');
  }, 60_000);

  it('holds the commands after it on the line until it ends; Ctrl-C drops them; inside source it is one step', async () => {
    const { type, model, until } = mount(120, 40, { readText: () => 'run 2min\nfork redis' });
    await type('run 90s; fork web', KEY.enter);
    // The fork waits for the run (the run holds the rest of the line): its output comes after the report.
    await until('the run and the fork', () => model.host.longRun === null && model.shell.hv.domains.size === 5);
    expect(model.shell.hv.nowNs).toBe(90e9);
    expect(outputOf(model)).toMatch(/ran 1\.5 min of virtual time[\s\S]*web \(domid 1\) forked 1 child/);

    await type('run 1h; fork web', KEY.enter);
    await until('the run bar', (f) => /run 1h: .* Ctrl-C stops it/.test(f));
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
    let f = frame();
    expect(f).toMatch(/▶ play demo\.kx step 1\/4/);
    expect(f).toMatch(/next line 1: say Forking web: watch the tree/);
    // The play bar stands in for the hint and the prompt: the last rows are the bar's.
    expect(f.split('\n').slice(-2).join('\n')).not.toMatch(/^kylinx>/m);
    await type(KEY.enter);
    expect(outputOf(model)).toMatch(/╔═+╗\n║ Forking web: watch the tree +║\n╚═+╝/);
    await type(' ');
    expect(panelsOf(frame())).toMatch(/web\.2 \(5\)/);
    const afterFork = stateOf(model.shell);
    await type(KEY.right);
    expect(frame()).toMatch(/next line 4: say Done/);
    // Back twice: the touch, then the fork are undone, state for state.
    await type(KEY.left);
    expect(stateOf(model.shell)).toBe(afterFork);
    expect(outputOf(model)).toMatch(/⟲ stepped back before line 3: touch web\.1 heap 100/);
    await type('b', 'b');
    expect(stateOf(model.shell)).toBe(start);
    expect(panelsOf(frame())).not.toMatch(/web\.2 \(5\)/);
    f = frame();
    expect(f).toMatch(/next line 1: say/);
    // q stops; the prompt is back and typing works again.
    await type('q');
    expect(model.host.player).toBeNull();
    await type('list', KEY.enter);
    expect(outputOf(model)).toMatch(/^kylinx> list$/m);
  });

  it('on a host changed since boot it asks first: y boots it again, n plays on as is, q does not play', async () => {
    const files: Record<string, string> = { 'demo.kx': script };
    const { frame, type, model } = mount(120, 40, {
      readText: (p) => files[p] ?? fail('ENOENT', `${p}: no such file`),
    });
    const fresh = stateOf(model.shell);
    await type('fork web 4', KEY.enter, 'play demo.kx', KEY.enter);
    expect(frame()).toMatch(/▶ play demo\.kx: the host is not as it booted \(7 pVMs, t=0 ms\)/);
    expect(frame()).toMatch(/boot the host again first\? y\/Enter: yes · n: play on this state · q\/Esc: do not play/);
    await type('q');
    expect(model.host.offer).toBeNull();
    expect(model.host.player).toBeNull();
    expect(outputOf(model)).toMatch(/not playing demo\.kx/);
    await type('play demo.kx', KEY.enter, 'n');
    expect(model.host.player?.file).toBe('demo.kx');
    expect(model.shell.hv.liveCount).toBe(8);
    await type('q', 'play demo.kx', KEY.enter, 'y');
    // The host as it booted (same seed, same images), then the script's first step.
    expect(stateOf(model.shell)).toBe(fresh);
    expect(outputOf(model)).toMatch(/^kylinx> reset$/m);
    expect(frame()).toMatch(/▶ play demo\.kx step 1\/4/);
    // A fresh host asks nothing.
    await type('q', 'play demo.kx', KEY.enter);
    expect(model.host.offer).toBeNull();
    expect(model.host.player).not.toBeNull();
  });

  it('a script may name its host (# host: FILE): the reset boots that host', async () => {
    const files: Record<string, string> = {
      'one.kx': '# A lesson on one pCPU\n# host: one.cfg\nlist\n',
      'one.cfg': 'name = "tiny"\npcpus = 1\nboot = ["web"]\n',
    };
    const { frame, type, model } = mount(120, 40, {
      readText: (p) => files[p] ?? fail('ENOENT', `${p}: no such file`),
    });
    await type('play one.kx', KEY.enter);
    expect(frame()).toMatch(/boot one\.cfg again first\?/);
    await type('y');
    expect(model.shell.hv.host.name).toBe('tiny');
    expect(model.shell.hv.host.pcpus).toBe(1);
    expect(outputOf(model)).toMatch(/^kylinx> reset --host one\.cfg$/m);
    expect(outputOf(model)).toMatch(/reset: booted host 'tiny' from one\.cfg again: 1 pVM \(web\), t=0/);
  });

  it('a missing or empty script is one error line, and nothing plays', async () => {
    const { type, model } = mount(120, 40, {
      readText: (p) => {
        if (p === 'empty.kx') return '# nothing\n';
        fail('ENOENT', `${p}: no such file`);
      },
    });
    await type('play empty.kx', KEY.enter);
    expect(outputOf(model)).toMatch(/play: empty\.kx has no commands to play/);
    expect(model.host.player).toBeNull();
    await type('play nope.kx', KEY.enter);
    expect(outputOf(model)).toMatch(/^✗ play: nope\.kx: no such file$/m);
  });
});

describe('reset', () => {
  it('boots the host again in every mode: the state is the one a fresh shell starts with', () => {
    const a = makeShell();
    const b = makeShell();
    a.run('fork web 3; touch web.1 heap 10; run 2s; msgget web 1 --create', { stopOnError: true });
    const r = resultOf(a.runOne(['reset']));
    expect(r.text).toBe("reset: booted host 'kylinx' again: 3 pVMs (web, redis, dns), t=0");
    expect(stateOf(a)).toBe(stateOf(b));
    expect(a.hv.check()).toEqual([]);
  });

  it('a host file that does not parse is its error, and changes nothing', () => {
    const io = memoryIO({ 'bad.cfg': 'pcpus = "many"\n' });
    const shell = makeShell({}, io);
    shell.run('fork web 2', { stopOnError: true });
    const before = stateOf(shell);
    expect(failureOf(shell.runOne(['reset', '--host', 'bad.cfg'])).message).toMatch(/bad\.cfg:1: pcpus/);
    expect(failureOf(shell.runOne(['reset', '--host', 'none.cfg'])).message).toMatch(/none\.cfg: no such file/);
    expect(stateOf(shell)).toBe(before);
  });

  it('in the console the panels start again: no samples of the old history, no pVM marked new', async () => {
    const { frame, type, model } = mount(120, 40);
    await type('fork web 2', KEY.enter, 'touch web.1 heap 50', KEY.enter, 'reset', KEY.enter);
    expect(panelsOf(frame())).not.toMatch(/web\.1/);
    expect(panelsOf(frame())).not.toMatch(/^ \+/m);
    expect(model.familySeries.get(1)).toHaveLength(1);
  });
});

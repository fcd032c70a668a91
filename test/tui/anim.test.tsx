// Mechanisms animated in virtual time: fork's steps one after another (children appear as their
// do_fork plays), update's four stages on one scale while the pVM serves and then pauses, any key
// skipping to the end, `animate on|off|factor`; and the engine's state and outputs the same whether
// the console animates or not, for every shipped example.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Animation } from '../../src/commands/effects.js';
import { CostModel, forkCost } from '../../src/engine/cost-model.js';
import { pagesOf } from '../../src/engine/domain.js';
import { forkSteps } from '../../src/engine/fork-steps.js';
import { timeline, positionAt, MIN_STEP_MS, MAX_TOTAL_MS } from '../../src/tui/anim/timeline.js';
import { ConsoleModel } from '../../src/tui/model.js';
import * as edit from '../../src/tui/lineedit.js';
import { makeShell, memoryIO, resultOf } from '../helpers.js';
import { KEY, mount, outputOf, panelsOf, tick } from './mount.js';

describe("do_fork's steps", () => {
  it('add up to the modeled fork time, with and without a pool and XenStore; the link comes after, asynchronous', () => {
    for (const host of [{}, { toolstack: 'xs' as const }, { pool: 2 }]) {
      const shell = makeShell(host);
      const web = shell.hv.lookup('web');
      const r = resultOf(shell.runOne(['fork', 'web', '3']));
      const children = r.data.children as { latency_us: number; from_pool: boolean }[];
      const a = r.effect?.kind === 'animate' ? r.effect.animation : undefined;
      expect(a?.mechanism).toBe('fork-steps');
      const steps = (a as Extract<Animation, { mechanism: 'fork-steps' }>).steps;
      const sync = steps.filter((s) => !s.async).reduce((t, s) => t + s.us, 0);
      expect(sync).toBeCloseTo(children[0]!.latency_us, 1);
      expect(steps[steps.length - 1]).toMatchObject({
        async: true,
        step: 'parent–child event channel and shared page',
      });
      // The same view for another parent size: code, data and stack pages add up to all of the parent's.
      const view = forkSteps(shell.hv.cost, web, { live: 4, fromPool: false, toolstackUs: 0 });
      const pages = view
        .filter((s) => /^(code|data|stack|shm)$/.test(s.short))
        .reduce((t, s) => t + Number(s.detail.split(' ')[0]), 0);
      expect(pages).toBe(pagesOf(web));
      expect(view.filter((s) => !s.async).reduce((t, s) => t + s.us, 0)).toBeCloseTo(
        forkCost(new CostModel(), pagesOf(web), false),
        6,
      );
    }
  });
});

describe('timelines', () => {
  const fork: Animation = {
    mechanism: 'fork-steps',
    parent: 'web',
    steps: [
      { step: 'a', short: 'a', detail: '', us: 1000, async: false },
      { step: 'b', short: 'b', detail: '', us: 1, async: false },
    ],
    children: [
      { name: 'web.1', domid: 4, us: 1001 },
      { name: 'web.2', domid: 5, us: 1001 },
    ],
  };

  it('each step plays its modeled time times the factor, a short one at least MIN_STEP_MS, in order', () => {
    const t = timeline(fork, 500);
    expect(t.steps.map((s) => s.wallMs)).toEqual([500, MIN_STEP_MS, 500.5]);
    expect(t.steps.map((s) => s.startUs)).toEqual([0, 1000, 1001]);
    expect(positionAt(t, 0)).toMatchObject({ index: 0, frac: 0 });
    expect(positionAt(t, 550)).toMatchObject({ index: 1 });
    expect(positionAt(t, t.totalMs)).toMatchObject({ index: 3, frac: 1, us: 2002 });
  });

  it('a long timeline plays faster as a whole, and says by how much', () => {
    const t = timeline(fork, 100_000);
    expect(t.totalMs).toBeCloseTo(MAX_TOTAL_MS, 6);
    expect(t.speedup).toBeGreaterThan(1);
  });
});

describe('animations in the console', () => {
  it('fork: the children appear one by one as their do_fork plays; the strip shows the step; a key ends it', async () => {
    const { frame, type, model, until } = mount(120, 40, { animate: true });
    await type('animate 3000', KEY.enter);
    expect(outputOf(model)).toMatch(/animations on at 3000x: 1 ms of modeled time plays in 3 s; any key skips one/);
    await type('fork web 3', KEY.enter);
    let f = await until('the strip', (x) => /▶ do_fork web → 3 children/.test(x));
    // While web.1's steps play, web.2 and web.3 are not forked yet.
    expect(panelsOf(f)).toMatch(/web\.1 \(4\) +-b---- ▶ forking/);
    expect(panelsOf(f)).not.toMatch(/web\.[23] \(/);
    expect(f).toMatch(/▶ create an empty domain shell|▶ share code read-only/);
    f = await until('a later step', (x) => /✓ create an empty domain shell/.test(x), 20_000);
    expect(f).toMatch(/t\+\d+(\.\d+)? (µs|ms) of 3\.9\d ms/);
    // Any key: the end. Every child is there; the record stays in the output either way.
    await type(KEY.right);
    expect(model.animator.playing()).toBeNull();
    f = frame();
    expect(panelsOf(f)).toMatch(/web\.3 \(6\)/);
    expect(f).not.toMatch(/do_fork web → 3 children/);
    expect(outputOf(model)).toMatch(/^do_fork web\.1: shell 600\.0 µs · code \d+\.\d µs · data/m);
  });

  it('update: a stage in progress in the strip and the libraries panel, serving in stage 1, paused after', async () => {
    const { frame, type, until } = mount(120, 40, { animate: true });
    await type('animate 2000', KEY.enter, 'update web libm@1.18 --eager', KEY.enter);
    let f = await until('stage 1', (x) => /⟳ update web: libm +stage 1\/4 load and share +▶ serving/.test(x));
    expect(f).toMatch(/⟳ update web: libm/);
    f = await until('a paused stage', (x) => /update web: libm +stage [234]\/4 .* ∥ paused/.test(x), 20_000);
    expect(f).toMatch(/web ∥ paused: requests wait/);
    expect(panelsOf(f)).toMatch(/─ web \(1\) +-b---- ∥ update [234]\/4/);
    await type('x');
    expect(frame()).not.toMatch(/⟳ update web/);
  });

  it('animate off: nothing plays; scripts say nothing animates there', async () => {
    const { type, model } = mount(120, 40, { animate: true });
    await type('animate off', KEY.enter, 'fork web 2', KEY.enter);
    expect(model.animator.playing()).toBeNull();
    expect(outputOf(model)).toMatch(/animations off/);
    const shell = makeShell();
    expect(resultOf(shell.runOne(['animate', 'on'])).text).toMatch(/only the console animates/);
  });
});

describe('animated or not, the same engine', () => {
  const dir = resolve(import.meta.dirname, '..', '..', 'examples');
  const examples = readdirSync(dir).filter((f) => f.endsWith('.kx'));

  /** Type every line of a script at the console, as an instructor would; returns the saved state. */
  async function typed(text: string, animate: boolean, skipEvery: number): Promise<{ state: string; out: string }> {
    const model = new ConsoleModel(makeShell({}, memoryIO()), { animate });
    model.animator.factor = 200;
    let n = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      model.setLine(edit.insert(edit.EMPTY, line));
      model.submit();
      while (model.host.longRun) await tick(20);
      // Now and then a key ends what plays, as a student would press one.
      if (skipEvery > 0 && ++n % skipEvery === 0) model.animator.skip();
    }
    const out = model.out.allLines(200).map((l) => l.text);
    model.dispose();
    return { state: JSON.stringify(model.shell.hv.save()), out: out.join('\n') };
  }

  for (const f of examples)
    it(`${f}: the saved state is byte-identical with animations on, skipped now and then, and off`, async () => {
      const text = readFileSync(join(dir, f), 'utf8');
      const on = await typed(text, true, 0);
      const skipped = await typed(text, true, 3);
      const off = await typed(text, false, 0);
      expect(on.state).toBe(off.state);
      expect(skipped.state).toBe(off.state);
      expect(on.out).toBe(off.out);
    }, 120_000);
});

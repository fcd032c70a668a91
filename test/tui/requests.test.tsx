// The requests panel: the rates from the served counters (src/commands/request-rates.ts), the panel drawn
// from its data alone under ink-testing-library (busiest first, bars on the busiest's scale, dropped and
// failed where there were any, `-` before a rate exists, `… N more`, names whole, NO_COLOR), and the
// console's rates after `run 10s` on the default host against run's own report.

import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MIN_SPAN_NS,
  RequestHistory,
  type RequestCounters,
  type RequestSample,
  requestRates,
  requestSample,
} from '../../src/commands/request-rates.js';
import type { PvmRun } from '../../src/engine/sched/report.js';
import { Lines } from '../../src/tui/lines.js';
import { rateText, requestsView } from '../../src/tui/panels/requests.js';
import { ok } from '../helpers.js';
import { KEY, mount, panelsOf, plain } from './mount.js';

const pvm = (domid: number, name: string, served: number, dropped = 0, failed = 0): RequestCounters => ({
  name,
  domid,
  app: 'http',
  served,
  dropped,
  failed,
});

const at = (s: number, ...pvms: RequestCounters[]): RequestSample => ({ now_ns: s * 1e9, pvms, netback: [] });

/** The panel's lines as the terminal shows them, through ink. */
function drawn(lines: Parameters<typeof Lines>[0]['lines']): string {
  const r = render(<Lines lines={lines} />);
  const f = r.lastFrame() ?? '';
  r.unmount();
  return f;
}

let level = chalk.level;
beforeEach(() => {
  level = chalk.level;
  chalk.level = 1;
});
afterEach(() => {
  chalk.level = level;
});

describe('request rates', () => {
  it('are the served counters over the virtual time between two samples, busiest first', () => {
    const x = requestRates([
      at(0, pvm(1, 'web', 0), pvm(2, 'redis', 0), pvm(3, 'dns', 0)),
      at(10, pvm(1, 'web', 58), pvm(2, 'redis', 107, 4), pvm(3, 'dns', 56)),
    ]);
    expect(x.span_ns).toBe(10e9);
    expect(x.rates.map((r) => [r.name, r.per_s, r.dropped_per_s])).toEqual([
      ['redis', 10.7, 0.4],
      ['web', 5.8, 0],
      ['dns', 5.6, 0],
    ]);
  });

  it('span at least 5 s of virtual time across short steps; a pVM forked since is measured from its first sample', () => {
    const h = new RequestHistory();
    h.add(at(0, pvm(1, 'web', 0)));
    for (let k = 1; k <= 20; k++)
      h.add(at(k * 0.5, pvm(1, 'web', k * 3), ...(k >= 15 ? [pvm(4, 'web.1', (k - 15) * 2)] : [])));
    const x = h.rates();
    // 10 s now: the window starts at the latest sample 5 s or more before, 5 s.
    expect(x.span_ns).toBe(MIN_SPAN_NS);
    expect(MIN_SPAN_NS).toBe(5e9);
    const web = x.rates.find((r) => r.name === 'web')!;
    expect(web.served).toBe(30);
    expect(web.per_s).toBeCloseTo(6, 9);
    // web.1 appeared at 7.5 s: 10 requests in 2.5 s.
    const child = x.rates.find((r) => r.name === 'web.1')!;
    expect(child.span_ns).toBe(2.5e9);
    expect(child.per_s).toBeCloseTo(4, 9);
  });

  it('time that has not moved gives no rate; a sample at the same instant replaces the last (a fork between runs)', () => {
    const h = new RequestHistory();
    h.add(at(0, pvm(1, 'web', 0)));
    expect(h.rates().span_ns).toBeNull();
    expect(h.rates().rates[0]!.per_s).toBeNull();
    h.add(at(10, pvm(1, 'web', 50)));
    h.add(at(10, pvm(1, 'web', 50), pvm(4, 'web.1', 0)));
    const x = h.rates();
    expect(x.rates.map((r) => [r.name, r.per_s])).toEqual([
      ['web', 5],
      ['web.1', null],
    ]);
    h.add(at(20, pvm(1, 'web', 100), pvm(4, 'web.1', 40)));
    expect(h.rates().rates.map((r) => [r.name, r.per_s])).toEqual([
      ['web', 5],
      ['web.1', 4],
    ]);
    // Time going back (another engine's history) starts again.
    h.add(at(5, pvm(1, 'web', 1)));
    expect(h.rates().span_ns).toBeNull();
  });

  it("give Domain-0's netback per vCPU: its queue now and the jobs it finished per second over the window", () => {
    const q = (vcpu: number, jobs: number, backlogUs: number, done: number) => ({
      vcpu,
      state: 'blocked' as const,
      jobs,
      backlogUs,
      done,
    });
    const x = requestRates([
      { ...at(0, pvm(1, 'web', 0)), netback: [q(0, 0, 0, 10), q(1, 0, 0, 4)] },
      { ...at(10, pvm(1, 'web', 50)), netback: [q(0, 3, 18, 110), q(1, 0, 0, 4)] },
    ]);
    expect(x.netback).toEqual([
      { vcpu: 0, jobs: 3, backlog_us: 18, done_per_s: 10 },
      { vcpu: 1, jobs: 0, backlog_us: 0, done_per_s: 0 },
    ]);
    // Before time has moved: the queue, no rate.
    expect(requestRates([{ ...at(0), netback: [q(0, 1, 6, 0)] }]).netback).toEqual([
      { vcpu: 0, jobs: 1, backlog_us: 6, done_per_s: null },
    ]);
  });

  it('formats a rate in at most six cells', () => {
    expect(rateText(0)).toBe('0.0');
    expect(rateText(10.66)).toBe('10.7');
    expect(rateText(9999.9)).toBe('9999.9');
    expect(rateText(123456)).toBe('123.5k');
  });
});

describe('the requests panel, from its data', () => {
  const data = requestRates([
    at(0, pvm(1, 'web', 0), pvm(2, 'redis', 0), pvm(3, 'dns', 0), pvm(5, 'web.1', 0)),
    at(
      10,
      pvm(1, 'web', 50),
      pvm(2, 'redis', 100, 21),
      pvm(3, 'dns', 0),
      pvm(5, 'web.1', 25, 0, 3),
      pvm(9, 'a-rather-long-pvm-name.1', 0),
    ),
  ]);

  it('draws each pVM with its rate and a bar on the busiest one’s scale, what was lost, and - before a rate exists', () => {
    const v = requestsView(data, { width: 60, rows: 10, scroll: 0 });
    expect(v.title).toBe('requests: 17.5/s, 5 pVMs');
    expect(v.note).toBe('last 10 s');
    const f = drawn(v.lines);
    expect(f).toContain('\x1b['); // in colour
    expect(plain(f).split('\n')).toEqual([
      // The name column as wide as the longest name up to 20; a longer name pushes its row's figures right.
      'redis                  10.0/s ██████████ ✗ 2.1/s dropped',
      'web                     5.0/s █████░░░░░',
      'web.1                   2.5/s ███░░░░░░░ ✗ 0.3/s failed',
      'dns                     0.0/s ░░░░░░░░░░',
      'a-rather-long-pvm-name.1      -',
    ]);
    expect(v.domids).toEqual([2, 1, 5, 3, 9]);
  });

  it('ends with … N more when the rows do not fit, busiest kept; scrolled, the rest', () => {
    const v = requestsView(data, { width: 40, rows: 3, scroll: 0 });
    const rows = plain(drawn(v.lines)).split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^redis +10\.0\/s/);
    expect(rows[1]).toMatch(/^web +5\.0\/s/);
    expect(rows[2]).toBe('… 3 more (Tab to it, PgDn)');
    expect(v.domids).toEqual([2, 1, null]);
    const down = requestsView(data, { width: 40, rows: 3, scroll: 2 });
    expect(down.note).toBe('↑2');
    expect(plain(drawn(down.lines)).split('\n')[2]).toMatch(/^a-rather-long-pvm-name\.1 +-$/);
  });

  it('never cuts a name: narrow, a row’s bar goes first, then the words after what it lost', () => {
    const v = requestsView(data, { width: 38, rows: 10, scroll: 0 });
    const rows = plain(drawn(v.lines)).split('\n');
    expect(rows[0]).toBe('redis                  10.0/s ✗ 2.1/s');
    expect(rows[1]).toBe('web                     5.0/s');
    expect(rows[4]).toMatch(/^a-rather-long-pvm-name\.1 +-$/);
    for (const l of v.lines) expect(l.width).toBeLessThanOrEqual(38);
    // Wider: a row keeps the words after what it lost before its bar; the others keep their bars.
    const mid = plain(drawn(requestsView(data, { width: 48, rows: 10, scroll: 0 }).lines)).split('\n');
    expect(mid[0]).toBe('redis                  10.0/s ✗ 2.1/s dropped');
    expect(mid[1]).toBe('web                     5.0/s █████░░░░░');
  });

  const withNetback = {
    ...data,
    netback: [
      { vcpu: 0, jobs: 0, backlog_us: 0, done_per_s: 47_400 },
      { vcpu: 1, jobs: 3, backlog_us: 18, done_per_s: 41.6 },
    ],
  };

  it("heads the pVMs with Domain-0's netback per vCPU, on one row when it fits, never splitting a vCPU", () => {
    const wide = requestsView(withNetback, { width: 60, rows: 10, scroll: 0 });
    const rows = plain(drawn(wide.lines)).split('\n');
    expect(rows[0]).toBe('netback v0 47.4k/s q0 · v1 41.6/s q3 18.0 µs');
    expect(rows[1]).toMatch(/^redis +10\.0\/s/);
    expect(wide.domids).toEqual([null, 2, 1, 5, 3, 9]);
    const narrow = plain(drawn(requestsView(withNetback, { width: 38, rows: 10, scroll: 0 }).lines)).split('\n');
    expect(narrow.slice(0, 3)).toEqual(['netback v0 47.4k/s q0', '  v1 41.6/s q3 18.0 µs', narrow[2]]);
    expect(narrow[2]).toMatch(/^redis /);
  });

  it('puts netback after the pVMs when the panel is too short for it and the busiest three', () => {
    const v = requestsView(withNetback, { width: 60, rows: 4, scroll: 0 });
    const rows = plain(drawn(v.lines)).split('\n');
    expect(rows.map((r) => r.split(' ')[0])).toEqual(['redis', 'web', 'web.1', '…']);
    expect(rows[3]).toBe('… 3 more (Tab to it, PgDn)');
    // Scrolled to the end: netback is the last row.
    const end = plain(drawn(requestsView(withNetback, { width: 60, rows: 4, scroll: 9 }).lines)).split('\n');
    expect(end[3]).toBe('netback v0 47.4k/s q0 · v1 41.6/s q3 18.0 µs');
    // One more row: netback first, and still the busiest three.
    const five = plain(drawn(requestsView(withNetback, { width: 60, rows: 5, scroll: 0 }).lines)).split('\n');
    expect(five.map((r) => r.split(' ')[0])).toEqual(['netback', 'redis', 'web', 'web.1', '…']);
  });

  it('under NO_COLOR draws no escape codes and keeps every meaning (glyphs and words)', () => {
    chalk.level = 0;
    const f = drawn(requestsView(data, { width: 60, rows: 10, scroll: 0 }).lines);
    expect(f).not.toContain('\x1b[');
    expect(f).toContain('redis                  10.0/s ██████████ ✗ 2.1/s dropped');
    expect(f).toContain('░░░░░');
  });
});

describe('the console after run 10s on the default host', () => {
  it('shows each serving pVM at its served requests over the 10 s, as run reports them', async () => {
    const { frame, type, model } = mount(120, 40);
    const reports: PvmRun[][] = [];
    model.shell.onOutcome((o) => {
      if (o.ok && o.command === 'run') reports.push(o.result.data.pvms as PvmRun[]);
    });
    expect(panelsOf(frame())).not.toMatch(/requests:/);
    await type('run 10s', KEY.enter);
    const report = reports[0]!;
    const x = model.snapshot.requests;
    expect(x.span_ns).toBe(10e9);
    const serving = requestSample(model.shell.hv).pvms.map((p) => p.name);
    expect(serving.sort()).toEqual(['dns', 'redis', 'web']);
    for (const r of x.rates) {
      const p = report.find((q) => q.domid === r.domid)!;
      expect(p.requests, r.name).toBeGreaterThan(0);
      expect(r.per_s, r.name).toBeCloseTo(p.requests / 10, 9);
      expect(r.dropped_per_s, r.name).toBeCloseTo(p.dropped / 10, 9);
    }
    // Domain-0's netback: its queues as the scheduler has them, its jobs done over the 10 s.
    const done = report.find((q) => q.domid === 0)!;
    expect(x.netback.map((n) => n.vcpu)).toEqual(model.shell.hv.sched.netback().map((n) => n.vcpu));
    expect(x.netback).toHaveLength(2);
    const netbackDone = model.shell.hv.sched.netback().reduce((t, n) => t + n.done, 0);
    expect(x.netback.reduce((t, n) => t + n.done_per_s!, 0)).toBeCloseTo(netbackDone / 10, 9);
    expect(done.cpu_ns).toBeGreaterThan(0);
    // On screen, the busiest first; then, after a fork without time moving, the children have no rate yet.
    await type(KEY.alt('7'));
    const f = plain(panelsOf(frame()));
    const top = x.rates[0]!;
    expect(f).toMatch(new RegExp(`requests: [\\d.]+/s, 3 pVMs +last 10 s`));
    expect(f).toMatch(new RegExp(`${top.name} +${top.per_s!.toFixed(1).replace('.', '\\.')}/s █`));
    expect(f).toMatch(/netback v0 [\d.]+\/s q\d+.* · v1 [\d.]+\/s q\d+/);
    await type('fork redis 2', KEY.enter);
    expect(model.snapshot.requests.rates.map((r) => [r.name, r.per_s === null])).toEqual([
      [x.rates[0]!.name, false],
      [x.rates[1]!.name, false],
      [x.rates[2]!.name, false],
      ['redis.1', true],
      ['redis.2', true],
    ]);
  });

  it('is the same after reset as before any run: absent until time moves', async () => {
    const { frame, type } = mount(120, 40);
    await type('run 1s', KEY.enter);
    expect(panelsOf(frame())).toMatch(/requests:/);
    await type('reset', KEY.enter);
    expect(panelsOf(frame())).not.toMatch(/requests:/);
  });
});

describe('a pVM that serves no requests', () => {
  it('is not listed (a cpu hog), and the counters are read without changing the engine', () => {
    const { model } = mount(120, 40);
    ok(model.shell, 'create daytime workload=cpu name=hog');
    const before = JSON.stringify(model.shell.hv.save());
    expect(requestSample(model.shell.hv).pvms.map((p) => p.name)).not.toContain('hog');
    expect(JSON.stringify(model.shell.hv.save())).toBe(before);
  });
});

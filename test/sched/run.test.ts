// run: time moves, appliances serve requests and write memory through copy-on-write; the same seed
// and commands give the same bytes; a restored engine continues identically.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPEEDUP_SETUP } from '../../src/commands/sched.js';
import { newEngine } from '../../src/engine/index.js';
import type { PvmRun } from '../../src/engine/sched/report.js';
import { Shell } from '../../src/commands/shell.js';
import { err, IMAGES, makeShell, memoryIO, ok, run, said } from '../helpers.js';

const pvms = (r: { data: Record<string, unknown> }): PvmRun[] => r.data.pvms as PvmRun[];
const memOf = (sh: Shell, name: string): { shared_kib: number; private_kib: number; rss_kib: number } =>
  ok(sh, `mem ${name}`).data.total as { shared_kib: number; private_kib: number; rss_kib: number };

describe('run', () => {
  it('moves virtual time and uptime, and nothing else does', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; list; mem');
    expect(sh.hv.nowNs).toBe(0);
    const r = ok(sh, 'run 1h');
    expect(r.data.duration_ns).toBe(3600e9);
    expect(ok(sh, 'uptime web').text).toMatch(/^web +1 {2}1:00:00$/m);
    ok(sh, 'run 1m; run 5s');
    expect(ok(sh, 'uptime').text.split('\n')[0]).toBe(`Name${' '.repeat(32)}ID Uptime`);
    expect(ok(sh, 'uptime Domain-0').text).toMatch(/^Domain-0 +0 {2}1:01:05$/m);
    ok(sh, 'run 23h');
    // uptime_to_string: "%d day, ..." for one day, "%d days, ..." for more.
    expect(ok(sh, 'uptime Domain-0').text).toMatch(/^Domain-0 +0 1 day, {2}0:01:05$/m);
  });

  it('reports per pVM CPU time and share, requests, median and p99 latency, pages written and CoW breaks', () => {
    const sh = makeShell();
    const r = ok(sh, 'run 30s');
    const web = pvms(r).find((p) => p.name === 'web')!;
    expect(web.requests).toBeGreaterThan(100);
    expect(web.median_us).toBeGreaterThan(0);
    expect(web.p99_us!).toBeGreaterThanOrEqual(web.median_us!);
    // Each request writes the stats page it counts itself on and its two buffer pages (dirty_pages = 2).
    expect(web.pages_written).toBe(3 * web.requests);
    expect(web.cpu_pct).toBeCloseTo((web.cpu_ns / 30e9) * 100, 2);
    expect(r.text).toMatch(/^Name +ID +CPU\(s\) +CPU% +Requests +Dropped +Median +p99 +Written +CoW$/m);
    // list's Time(s) comes from the same vCPUs.
    const t = ok(sh, 'list web').data.domains as { time_s: number }[];
    expect(t[0]!.time_s).toBe(Math.round(web.cpu_ns / 1e8) / 10);
  });

  it("after fork web 4 (parent paused) and run 30s, each child's shared pages decayed by exactly its CoW breaks, as mem shows", () => {
    const sh = makeShell();
    ok(sh, 'fork web 4; pause web');
    const kids = ['web.1', 'web.2', 'web.3', 'web.4'];
    const before = kids.map((k) => memOf(sh, k));
    const r = ok(sh, 'run 30s');
    kids.forEach((k, i) => {
      const p = pvms(r).find((x) => x.name === k)!;
      const after = memOf(sh, k);
      expect(p.cow_breaks).toBeGreaterThan(50);
      expect(before[i]!.shared_kib - after.shared_kib).toBe(4 * p.cow_breaks);
      expect(after.private_kib - before[i]!.private_kib).toBe(4 * p.cow_breaks);
      expect(after.rss_kib).toBe(before[i]!.rss_kib);
    });
  });

  it('with the parent running too, the host spends exactly one new frame per CoW break in the family', () => {
    const sh = makeShell();
    ok(sh, 'fork web 4');
    const used = sh.hv.frames.used;
    const r = ok(sh, 'run 30s');
    const cow = pvms(r).reduce((a, p) => a + p.cow_breaks, 0);
    expect(cow).toBeGreaterThan(0);
    expect(sh.hv.frames.used - used).toBe(cow);
  });

  it('runs out of frames gracefully: requests that need a copy fail with ENOMEM and are counted', () => {
    // 16 MiB for pVMs: one web and four forks that each want to copy their 6 MiB heap.
    const sh = makeShell({ memory: 64, dom0_mem: 48, boot: [] });
    const r = ok(sh, 'create web rate=200 dirty_pages=20 name=w; fork w 4; run 20s');
    const failed = pvms(r).reduce((a, p) => a + p.failed, 0);
    expect(sh.hv.frames.free).toBe(0);
    expect(failed).toBeGreaterThan(0);
    expect(r.text).toMatch(/failed with ENOMEM/);
  });

  it('gives the same bytes for the same seed and commands, and different ones for another seed', () => {
    const lines = 'fork web 3; fork redis 2; run 10s; pause web.2; kill web.1; run 5s; vcpu-pin redis 0 1; run 2s';
    const textOf = (seed: number): string =>
      run(makeShell({ seed }), lines)
        .map((o) => (o.ok ? o.result.text + JSON.stringify(o.result.data) : o.error.message))
        .join('\n');
    expect(textOf(7)).toBe(textOf(7));
    expect(textOf(7)).not.toBe(textOf(8));
  });

  it('continues identically from a saved state: restore, then the same commands give the same output', () => {
    const a = makeShell();
    ok(a, 'fork web 2; create empty workload=cpu name=hog; sched-credit -d hog -c 30; run 3s; pause web.1; run 1234ms');
    const snap = JSON.parse(JSON.stringify(a.hv.save()));
    const hv = newEngine(snap.host);
    hv.load(snap);
    const b = new Shell({ host: snap.host, images: IMAGES, io: memoryIO(), engine: hv });
    expect(JSON.stringify(b.hv.save())).toBe(JSON.stringify(a.hv.save()));
    const more = 'run 7s; unpause web.1; fork redis 2; run 2s; vcpu-list; top -b -i 2 -d 1';
    const outA = run(a, more).map(said);
    const outB = run(b, more).map(said);
    expect(outB).toEqual(outA);
  });

  it('refuses bad durations, changing nothing', () => {
    const sh = makeShell();
    err(sh, 'run 0s', 'EUSAGE');
    err(sh, 'run ten', 'EUSAGE');
    expect(err(sh, 'run 25h', 'EUSAGE')).toMatch(/at most 24h/);
    err(sh, 'run', 'EUSAGE');
  });

  it('exercises the sched_speedup perf row at small size (100 pVMs, 10 s)', () => {
    const sh = makeShell();
    ok(sh, SPEEDUP_SETUP);
    expect(sh.hv.liveCount - 1).toBe(100);
    const r = ok(sh, 'run 10s');
    expect(pvms(r).filter((p) => p.requests > 0).length).toBeGreaterThan(90);
  });

  it('keeps every invariant while time runs between forks, kills, pauses, destroys, pins and weights', () => {
    const step = fc.oneof(
      fc.integer({ min: 1, max: 400 }).map((ms) => `run ${ms}ms`),
      fc.constantFrom('web', 'redis', 'dns').map((p) => `fork ${p}`),
      fc
        .constantFrom('web.1', 'redis.1', 'web.2', 'dns.1', 'web.1.1')
        .chain((p) =>
          fc.constantFrom(
            `kill ${p}`,
            `pause ${p}`,
            `unpause ${p}`,
            `destroy ${p}`,
            `fork ${p}`,
            `vcpu-pin ${p} 0 1-2`,
            `vcpu-pin ${p} all all`,
            `sched-credit -d ${p} -c 20`,
            `sched-credit -d ${p} -w 1000`,
            `wait ${p}`,
          ),
        ),
      fc.constant('create empty workload=cpu name=hog'),
      fc.constant('sched-credit -d hog -c 40'),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const sh = makeShell();
        for (const s of steps) run(sh, s); // run() checks invariants after each and that failures change nothing
        run(sh, 'run 100ms');
        expect(sh.hv.sched.check()).toEqual([]);
      }),
      { numRuns: 40, seed: 4 },
    );
  });
});

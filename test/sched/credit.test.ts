// The credit scheduler's must-shows (issue #4): weights, caps, work stealing, BOOST, and what Xen's
// credit1 does with pinned vCPUs on a bigger pool.
import { describe, expect, it } from 'vitest';
import type { PvmRun } from '../../src/engine/sched/report.js';
import { makeShell, ok } from '../helpers.js';

function pvm(r: { data: Record<string, unknown> }, name: string): PvmRun {
  const p = (r.data.pvms as PvmRun[]).find((x) => x.name === name);
  if (!p) throw new Error(`no ${name} in run's report`);
  return p;
}

describe('credit scheduler', () => {
  it('gives two always-runnable pVMs pinned to one pCPU CPU in proportion to weight 512:256 (within 5%) over 60 s', () => {
    // One pCPU: the credit of the pool is the credit of that pCPU (a cpupool of one pCPU in Xen).
    const sh = makeShell({ pcpus: 1, boot: [] });
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; vcpu-pin a 0 0; vcpu-pin b 0 0');
    ok(sh, 'sched-credit -d a -w 512');
    const r = ok(sh, 'run 60s');
    const ratio = pvm(r, 'a').cpu_ns / pvm(r, 'b').cpu_ns;
    expect(ratio).toBeGreaterThan(2 * 0.95);
    expect(ratio).toBeLessThan(2 * 1.05);
    expect(pvm(r, 'a').cpu_ns + pvm(r, 'b').cpu_ns).toBe(60e9);
  });

  it('as credit1 does, shares credit pool-wide: pinned together on a 6-pCPU host, weights 512:256 each earn a full pCPU and split 1:1', () => {
    const sh = makeShell({ boot: [] });
    ok(
      sh,
      'create empty workload=cpu name=a; create empty workload=cpu name=b; vcpu-pin a 0 0; vcpu-pin b 0 0; sched-credit -d a -w 512',
    );
    const r = ok(sh, 'run 60s');
    expect(pvm(r, 'a').cpu_ns / pvm(r, 'b').cpu_ns).toBeCloseTo(1, 1);
  });

  it('holds a CPU-bound pVM capped at 50 to 50% of one pCPU (within 2 points)', () => {
    const sh = makeShell();
    ok(sh, 'create empty workload=cpu name=hog; sched-credit -d hog -c 50');
    const r = ok(sh, 'run 60s');
    expect(Math.abs(pvm(r, 'hog').cpu_pct - 50)).toBeLessThanOrEqual(2);
    // Without the cap it takes a whole pCPU.
    ok(sh, 'sched-credit -d hog -c 0');
    expect(pvm(ok(sh, 'run 10s'), 'hog').cpu_pct).toBeGreaterThan(99);
  });

  it('holds a 2-vCPU hog capped at 150 to 150% (the master accounting runs at its own phase, not a tick stale)', () => {
    const sh = makeShell();
    ok(sh, 'create empty workload=cpu vcpus=2 name=hog; sched-credit -d hog -c 150');
    const r = ok(sh, 'run 60s');
    expect(Math.abs(pvm(r, 'hog').cpu_pct - 150)).toBeLessThanOrEqual(0.5);
  });

  it('vcpu-pin re-picks a pCPU at once, as vcpu_set_affinity starts a migration: a queued vCPU moves to an idle pCPU it may use', () => {
    const sh = makeShell({ pcpus: 2, boot: [] });
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; vcpu-pin a all 0; vcpu-pin b all 0');
    ok(sh, 'run 5ms');
    const cpus = (): { name: string; cpu: number; state: string }[] =>
      (ok(sh, 'vcpu-list').data.vcpus as { name: string; cpu: number; state: string }[]).filter((v) =>
        ['a', 'b'].includes(v.name),
      );
    const queued = cpus().find((v) => v.state === 'runnable')!;
    expect(queued.cpu).toBe(0);
    // Allowed everywhere now, its pCPU 0 still allowed: the re-pick still moves it to idle pCPU 1 at once.
    ok(sh, `vcpu-pin ${queued.name} all all`);
    expect(cpus().find((v) => v.name === queued.name)).toMatchObject({ cpu: 1, state: 'running' });
  });

  it('parks a capped vCPU (state offline, not on a run queue) while it is in debt', () => {
    const sh = makeShell({ boot: [] });
    ok(sh, 'create empty workload=cpu name=hog; sched-credit -d hog -c 10');
    let parkedSeen = false;
    for (let i = 0; i < 40 && !parkedSeen; i++) {
      ok(sh, 'run 10ms');
      const v = ok(sh, 'vcpu-list hog').data.vcpus as { state: string }[];
      parkedSeen = v[0]!.state === 'offline';
    }
    expect(parkedSeen).toBe(true);
  });

  it('lets an idle pCPU take waiting work: two CPU-bound pVMs on an otherwise idle 2-pCPU host each get ~100%', () => {
    const sh = makeShell({ pcpus: 2, boot: [] });
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; vcpu-pin a all 0; vcpu-pin b all 0');
    const shared = ok(sh, 'run 1s');
    expect(Math.abs(pvm(shared, 'a').cpu_pct - 50)).toBeLessThan(3); // 30 ms slices in 1 s
    // Unpinned, each is picked a pCPU again at once (vcpu_set_affinity): the one waiting takes the idle pCPU.
    ok(sh, 'vcpu-pin a all all; vcpu-pin b all all');
    const r = ok(sh, 'run 10s');
    expect(pvm(r, 'a').cpu_pct).toBeGreaterThan(99);
    expect(pvm(r, 'b').cpu_pct).toBeGreaterThan(99);
    for (const b of r.data.pcpu_busy_pct as number[]) expect(b).toBeGreaterThan(99);
  });

  it('under contention, BOOST on wake keeps an http appliance fast; switched off (sched_credit_boost = 0) its median latency is far higher', () => {
    const median = (boost: number): number => {
      const sh = makeShell({ pcpus: 2, boot: ['web'], raw: { sched_credit_boost: boost } });
      ok(sh, 'create empty workload=cpu name=h1; create empty workload=cpu name=h2; create empty workload=cpu name=h3');
      return pvm(ok(sh, 'run 60s'), 'web').median_us!;
    };
    const on = median(1);
    const off = median(0);
    expect(on).toBeLessThan(1000);
    expect(off).toBeGreaterThan(10 * on);
  });

  it('runs Domain-0: its vCPUs are scheduled like any other and take weights', () => {
    const sh = makeShell({ boot: [] });
    expect((ok(sh, 'vcpu-list Domain-0').data.vcpus as unknown[]).length).toBe(2);
    ok(sh, 'sched-credit -d Domain-0 -w 1024');
    expect(ok(sh, 'sched-credit -d 0').text).toMatch(/Domain-0 +0 +1024 +0$/m);
  });
});

// The sched_speedup perf row's code path at a small size (10 s of virtual time, one run), so it cannot
// rot. No timing is asserted: the budget is checked by `npm run perf` only (DESIGN §6). The row imports
// the built dist/ (`npm run build` first), like every perf row.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs perf modules have no types
import { speedup } from '../../perf/rows/sched_speedup.mjs';

describe('perf row sched_speedup at small size', () => {
  it('runs 100 pVMs for 10 s and reports wall and CPU time, requests and CoW breaks', async () => {
    const r = (await speedup('10s', 1)) as {
      virtualMs: number;
      wallMs: number;
      cpuMs: number;
      wallX: number;
      cpuX: number;
      requests: number;
      cowBreaks: number;
      pvms: number;
      load: number;
    };
    expect(r.pvms).toBe(100);
    expect(r.virtualMs).toBe(10_000);
    expect(r.requests).toBeGreaterThan(1000);
    expect(r.cowBreaks).toBeGreaterThan(0);
    expect(r.wallMs).toBeGreaterThan(0);
    expect(r.cpuMs).toBeGreaterThan(0);
    expect(r.wallX).toBeCloseTo(r.virtualMs / r.wallMs, 6);
    expect(r.cpuX).toBeCloseTo(r.virtualMs / r.cpuMs, 6);
    expect(r.load).toBeGreaterThanOrEqual(0);
  });
});

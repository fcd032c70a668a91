// The console's perf rows exercised at a small size so they cannot rot. No timing is asserted here:
// budgets are checked by `npm run perf` only (DESIGN §6). Both run the built dist/.

import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs perf modules have no types
import { consoleFrames } from '../../perf/rows/render_1000_ms.mjs';
// @ts-expect-error plain .mjs perf modules have no types
import { idleCpu } from '../../perf/rows/idle_cpu_pct.mjs';

describe('console perf rows at small size', () => {
  it('render_1000_ms: a live console with 20 pVMs draws a frame per selection move and per touch', async () => {
    const r = (await consoleFrames(20, 80, 24, 3)) as { pvms: number; ms: number; bytes: number; afterTouchMs: number };
    expect(r.pvms).toBe(20);
    // Every measured frame drew something: a selection move redraws the tree and the graph.
    expect(r.bytes).toBeGreaterThan(500);
    expect(r.ms).toBeGreaterThan(0);
    expect(r.afterTouchMs).toBeGreaterThan(0);
  });

  it('idle_cpu_pct: the built console in a pseudo-terminal is found and its CPU time read', async () => {
    const r = (await idleCpu(1)) as { pct?: number; error?: string; hz: number; terminal: string };
    expect(r.error).toBeUndefined();
    expect(r.terminal).toBe('pty');
    expect(r.pct).toBeGreaterThanOrEqual(0);
    expect(r.hz).toBeGreaterThan(0);
  }, 60_000);
});

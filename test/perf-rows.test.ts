// Every perf row's code path, exercised at a small size so it cannot rot. No timing is asserted here:
// budgets are checked by `npm run perf` only (DESIGN §6).

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs perf modules have no types
import { buildHelper, engineForkUs } from '../perf/rows/fork_1gib_ratio_vs_linux.mjs';
// @ts-expect-error plain .mjs perf modules have no types
import { forkScaling } from '../perf/rows/fork_scaling.mjs';
// @ts-expect-error plain .mjs perf modules have no types
import { scale } from '../perf/rows/pvms_100k_mib.mjs';
// @ts-expect-error plain .mjs perf modules have no types
import { wallMs } from '../perf/lib.mjs';

describe('perf rows at small size', () => {
  it('fork_1gib_ratio_vs_linux: the C baseline builds and runs, the engine fork is timed', async () => {
    const h = buildHelper('linux_fork') as { path?: string; error?: string };
    expect(h.error).toBeUndefined();
    const us = Number(execFileSync(h.path!, ['8', '3'], { encoding: 'utf8' }).trim());
    expect(us).toBeGreaterThan(0);
    expect(await engineForkUs(8, 3)).toBeGreaterThan(0);
  });

  it('fork_scaling compares two sizes', async () => {
    const r = (await forkScaling(128, 16)) as { ratio: number };
    expect(r.ratio).toBeGreaterThan(0);
  });

  it('pvms_100k_mib and list_100k_ms: the scale child forks n redis pVMs and times list and tree', () => {
    const r = scale(300, ['list', 'tree']) as { pvms: number; frames: number; maxRssKiB: number; timings: Record<string, number> };
    expect(r.pvms).toBe(301);
    // redis's 2048 pages, libm 1.16 linked at create (64 text + 2 data pages), one channel page per fork (IpC).
    expect(r.frames).toBe(2048 + 66 + 300);
    expect(r.maxRssKiB).toBeGreaterThan(0);
    expect(Object.keys(r.timings)).toEqual(['list', 'tree']);
  });

  it('startup_ratio: the binary runs fork web 4', () => {
    expect(wallMs(process.execPath, ['bin/kylinx-sh.js', '-c', 'fork web 4'])).toBeGreaterThan(0);
  });
});

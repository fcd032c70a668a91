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
import { wallMs, which } from '../perf/lib.mjs';
// @ts-expect-error plain .mjs perf modules have no types
import { makeScript, runScript } from '../perf/rows/script_cmds_per_s.mjs';
// @ts-expect-error plain .mjs perf modules have no types
import { ratios, SCALE_COMMANDS } from '../perf/rows/list_100k_ms.mjs';
// @ts-expect-error plain .mjs perf modules have no types
import sweepRow, { SWEEP, sweepCpuS, sweepMs } from '../perf/rows/sweep_fig5_s.mjs';

// @ts-expect-error plain .mjs perf modules have no types
import { redisRequestsPerS } from '../perf/rows/redis_requests_per_s.mjs';

describe('perf rows at small size', () => {
  it("redis_requests_per_s: bench apps' 8-server cell serves requests", async () => {
    const r = (await redisRequestsPerS(1)) as { perS: number; requests: number };
    expect(r.requests).toBeGreaterThan(1000);
    expect(r.perS).toBeGreaterThan(0);
  });

  it('fork_1gib_ratio_vs_linux: the engine fork is timed; the C baseline builds with cc, or the row names cc', async () => {
    expect(await engineForkUs(8, 3)).toBeGreaterThan(0);
    // Without a compiler the row says which one is missing and how to get it (never a stack trace).
    const none = buildHelper('linux_fork', 'kylinx-no-such-cc') as { path?: string; error?: string };
    expect(none.error).toMatch(/^no C compiler \(kylinx-no-such-cc\): .*install one/);
    // npm test needs nothing but Node: where the machine has cc, the baseline is built and run too.
    if (which('cc') === null) return;
    const h = buildHelper('linux_fork') as { path?: string; error?: string };
    expect(h.error).toBeUndefined();
    const us = Number(execFileSync(h.path!, ['8', '3'], { encoding: 'utf8' }).trim());
    expect(us).toBeGreaterThan(0);
  });

  it('fork_scaling compares two sizes', async () => {
    const r = (await forkScaling(128, 16)) as { ratio: number };
    expect(r.ratio).toBeGreaterThan(0);
  });

  it('pvms_100k_mib and list_100k_ms: the scale child forks n redis pVMs and times list and tree', () => {
    const r = scale(300, ['list', 'tree']) as {
      pvms: number;
      frames: number;
      mappedPages: number;
      maxRssKiB: number;
      timings: Record<string, number>;
    };
    expect(r.pvms).toBe(301);
    // redis's 1536 pages, its four libraries linked at create (183 text + 9 data pages), one channel page
    // per fork (IpC).
    expect(r.frames).toBe(1536 + 192 + 300);
    // 301 pVMs, each mapping redis's 1536 pages and its libraries' 192.
    expect(r.mappedPages).toBe(301 * (1536 + 192));
    expect(r.maxRssKiB).toBeGreaterThan(0);
    expect(Object.keys(r.timings)).toEqual(['list', 'tree']);
  });

  it('list_100k_ms: every command that walks all pVMs runs at two sizes, with wall and CPU time', () => {
    const small = scale(100, SCALE_COMMANDS) as { timings: Record<string, number>; cpuMs: Record<string, number> };
    const big = scale(300, SCALE_COMMANDS) as { timings: Record<string, number>; cpuMs: Record<string, number> };
    expect(Object.keys(big.timings)).toEqual(SCALE_COMMANDS);
    for (const c of SCALE_COMMANDS as string[]) expect(big.cpuMs[c]).toBeGreaterThanOrEqual(0);
    const note = ratios(small, big) as string[];
    expect(note).toHaveLength(SCALE_COMMANDS.length);
    expect(note[0]).toMatch(/^list \d+ ms \(CPU \d+\), x[\d.]+ of 10k \(CPU x[\d.]+\)$/);
  });

  it('script_cmds_per_s: the generated script has exactly the lines asked for and runs clean (exit 0, no stderr)', () => {
    const text = makeScript(500) as string;
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(500);
    // Forks, memory writes, a pipe, a message queue, a signal inside the family, kills and reaps.
    for (const c of ['fork', 'touch', 'pipe', 'write', 'read', 'msgsnd', 'msgrcv', 'kill', 'wait'])
      expect(lines.some((l) => l.startsWith(`${c} `))).toBe(true);
    expect(lines.some((l) => / --from /.test(l))).toBe(true);
    const r = runScript(500) as { lines: number; wallS: number; cpuS: number };
    expect(r.lines).toBe(500);
    expect(r.wallS).toBeGreaterThan(0);
    expect(r.cpuS).toBeGreaterThan(0);
  });

  it('sweep_fig5_s: the binary runs the sweep the row times, and its CPU time is read from sh', () => {
    expect(SWEEP).toBe('bench sweep fig5 n=100..2000:100');
    expect((sweepRow as { budget: number }).budget).toBe(30);
    expect(sweepMs('', 'bench sweep fig5 n=10..30:10')).toBeGreaterThan(0);
    expect(sweepCpuS('bench sweep fig5 n=10..30:10')).toBeGreaterThan(0);
    expect(() => sweepMs('', 'bench sweep fig5 n=0')).toThrow(/exited 1/);
  });

  it('startup_ratio: the binary runs fork web 4', () => {
    expect(wallMs(process.execPath, ['bin/kylinx-sh.js', '-c', 'fork web 4'])).toBeGreaterThan(0);
  });
});

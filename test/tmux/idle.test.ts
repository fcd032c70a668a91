// An extra, outside `npm test` (`npm run test:tmux`): the idle_cpu_pct perf row's tmux path, exercised at
// a small size (its pty path is exercised by test/tui/perf-rows.test.ts). No timing is asserted.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs perf modules have no types
import { idleCpu } from '../../perf/rows/idle_cpu_pct.mjs';

const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!HAVE_TMUX) process.stderr.write('test/tmux/idle.test.ts: skipped, tmux is not installed\n');

describe.skipIf(!HAVE_TMUX)('idle_cpu_pct in tmux', () => {
  it('finds the built console in tmux and reads its CPU time', async () => {
    const r = (await idleCpu(1, 'tmux')) as { pct?: number; error?: string; hz: number; terminal: string };
    expect(r.error).toBeUndefined();
    expect(r.terminal).toBe('tmux');
    expect(r.pct).toBeGreaterThanOrEqual(0);
  }, 60_000);
});

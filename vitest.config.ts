import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// CI asks for a JSON report (KYLINX_VITEST_JSON) so .ci/run can print its own "N passed, N failed".
const json = process.env.KYLINX_VITEST_JSON;
// `npm test` needs nothing but Node and npm. The tests in test/tmux repeat terminal tests in tmux, a
// second real terminal, where one is installed: `npm run test:tmux` (KYLINX_TMUX=1) runs them alone.
const tmux = process.env.KYLINX_TMUX === '1';

export default defineConfig({
  test: {
    include: tmux ? ['test/tmux/**/*.test.ts'] : ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: tmux ? [] : ['test/tmux/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores, so a 2-core machine (CI's) runs one file at a
    // time while many tests wait on a child process or a pty; every core keeps both busy (about half the
    // wall time of `npm test` there). Tests never time themselves, so contention changes no result.
    maxWorkers: availableParallelism(),
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});

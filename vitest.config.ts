import { defineConfig } from 'vitest/config';

// CI asks for a JSON report (KYLINX_VITEST_JSON) so .ci/run can print its own "N passed, N failed".
const json = process.env.KYLINX_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});

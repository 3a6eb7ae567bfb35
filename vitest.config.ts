import { defineConfig } from 'vitest/config';

/**
 * Two suites. `fast` (unit tests and the quick end-to-end ones) is the edit loop:
 * `pnpm test:fast`. `slow` holds what reads big generated archives or runs many scans (the
 * benchmark smoke test, resume and interruption, worker equivalence, pipeline fuzzing, the
 * realistic verdict scenario, the installed bin). `pnpm test` and CI run both.
 */
const SLOW = [
  'test/bench-smoke.test.ts',
  'test/e2e-resume.test.ts',
  'test/e2e-scan.test.ts',
  'test/e2e-workers.test.ts',
  'test/e2e-verdicts.test.ts',
  'test/fuzz-pipeline.test.ts',
  'test/packaging.test.ts',
  'test/api-docs.test.ts',
  'test/warehouse.test.ts',
];

export default defineConfig({
  resolve: {
    // Tests run against src/ without a build: packages export it under this condition.
    conditions: ['mxray-source'],
  },
  ssr: {
    resolve: { conditions: ['mxray-source'] },
  },
  test: {
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});

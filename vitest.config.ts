import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against src/ without a build: packages export it under this condition.
    conditions: ['mxray-source'],
  },
  ssr: {
    resolve: { conditions: ['mxray-source'] },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

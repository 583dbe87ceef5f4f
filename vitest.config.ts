import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000, // a shared 2-core CI machine can be slow; a hang still fails
    hookTimeout: 60_000,
    // End-to-end tests spawn the built CLI and real shells; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});

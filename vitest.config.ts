import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: two workers keep PostgreSQL, Redis and the suites from starving.
    maxWorkers: 2,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

// The fault, scale-out and kill suites: real server processes, a private Redis killed with -9.
// Not in the default `npm test` (minutes, and it spawns processes); run with `npm run test:faults`.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/fault/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

// The full fault, scale-out and kill suites: real server processes, private Redis and PostgreSQL
// killed under load. Minutes; run with `npm run test:faults`. `npm test` runs the reduced variant
// (vitest.ci.config.ts) instead, which this one leaves out (the full run covers it at scale).
// Setup code runs in this process, not in the workers `env` below reaches.
process.env.REXIAN_DEMO ??= '1';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/fault/**/*.test.ts'],
    exclude: ['**/*.ci.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests run as the demo does: the published dev keys and /api/dev/sms (server/platform/config/env.ts).
    env: { REXIAN_DEMO: '1' },
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

// The reduced fault run inside `npm test` (`npm run test:faults:ci`): one Redis kill, one server kill and
// one PostgreSQL stop under 600 orders. Its own step after the main
// vitest run, so the faults' timing is not squeezed by forty parallel test files on two cores.
// Setup code runs in this process, not in the workers `env` below reaches.
process.env.REXIAN_DEMO ??= '1';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/fault/intake-under-faults.ci.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests run as the demo does: the published dev keys and /api/dev/sms (server/platform/config/env.ts).
    env: { REXIAN_DEMO: '1' },
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

// One runner for the whole repo. Files run in parallel worker processes; every file that
// touches PostgreSQL or Redis gets its own database and queue prefix (test/helpers), so
// parallel files never see each other's rows or jobs.
// The global setup (migrations) runs in this process, not in the workers `env` below reaches.
process.env.REXIAN_DEMO ??= '1';

export default defineConfig({
  test: {
    include: [
      'contract/**/*.test.ts',
      'server/**/*.test.ts',
      'integrations/**/*.test.ts',
      'classifier/**/*.test.ts',
      'test/**/*.test.ts',
      'agent-console/src/**/*.test.{ts,tsx}',
    ],
    exclude: ['**/node_modules/**', 'test/e2e/**', 'test/fault/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests run as the demo does: the published dev keys and /api/dev/sms (server/platform/config/env.ts).
    env: { REXIAN_DEMO: '1' },
  },
});

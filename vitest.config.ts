import { defineConfig } from 'vitest/config';

// The scenarios on PostgreSQL need a server (TEST_DATABASE_URL); CI always has one (.ci/run), a developer may not.
const pg = Boolean(process.env.TEST_DATABASE_URL) || Boolean(process.env.CI);
if (!pg && !process.env.SCENARIO_MODE) {
  console.warn('scenario:pg skipped: set TEST_DATABASE_URL=postgres://user:pass@127.0.0.1/db to run the scenarios on PostgreSQL');
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Processes are killed in the tests, machines never: fsync (on by default) would only slow them down.
    env: { DATA_FSYNC: 'off' },
    // In CI a JSON report is written too, so .ci/run can print the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: '.tmp/vitest-report.json' } : {},
    projects: [
      // Everything, with the scenarios through an application's webhook events (or SCENARIO_MODE).
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      // The same scenarios again through the two other ways in: the handlers must not care which.
      ...(['fetch', 'oneportal'] as const)
        .filter(() => !process.env.SCENARIO_MODE)
        .map((mode) => ({
          extends: true as const,
          test: { name: `scenario:${mode}`, include: ['test/scenario/**/*.test.ts'], env: { DATA_FSYNC: 'off', SCENARIO_MODE: mode } },
        })),
      // The same scenarios with the bot's store in PostgreSQL (each world in a schema of its own).
      ...(pg && !process.env.SCENARIO_MODE
        ? [{ extends: true as const, test: { name: 'scenario:pg', include: ['test/scenario/**/*.test.ts'], env: { DATA_FSYNC: 'off', SCENARIO_STORE: 'pg' } } }]
        : []),
    ],
  },
});

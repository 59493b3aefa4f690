import { defineConfig } from 'vitest/config';

// Integration tests share one PostgreSQL database when TEST_DATABASE_URL is set; each test file creates its
// own schema (see test/support/db.ts), so files may run in parallel. PGlite is in-process and per test file.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});

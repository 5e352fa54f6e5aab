import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Ingest tests spawn the CLI and wait for real files; keep the default 5 s for the rest.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

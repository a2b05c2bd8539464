import { defineConfig } from 'vitest/config';

// One run covers every workspace; each suite repeats per dialect in DIALECTS (see @sluice/test-utils).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

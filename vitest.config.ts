import { defineConfig } from 'vitest/config';

// One run covers every workspace; each suite repeats per dialect in DIALECTS (see @sluice/test-utils).
// The packages resolve to their sources (`sluice-source`), as the npm scripts' Node does: tests never
// run a stale `dist/`.
export default defineConfig({
  ssr: { resolve: { conditions: ['sluice-source', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

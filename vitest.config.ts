import { defineConfig } from 'vitest/config';
import { testDialects } from './packages/test-utils/src/dialects.ts';

// `*.once.test.ts` suites need no database server: they run in the run that covers SQLite (a bare
// `npm test` always does) and not again when DIALECTS names only server databases, as CI's second run.
const once = testDialects().includes('sqlite');

// One run covers every workspace; each suite repeats per dialect in DIALECTS (see @sluice/test-utils).
// The packages resolve to their sources (`sluice-source`), as the npm scripts' Node does: tests never
// run a stale `dist/`.
export default defineConfig({
  ssr: { resolve: { conditions: ['sluice-source', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(once ? [] : ['**/*.once.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

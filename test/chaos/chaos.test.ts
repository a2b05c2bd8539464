import { describeEachDialect } from '@sluice/test-utils';
import { expect, it } from 'vitest';
import { runChaos } from './chaos-run.ts';

// The bounded chaos of CI: fixed seeds (a regression replays exactly its schedule) and one new seed per
// run (printed, so a failure replays with `npm run chaos -- --seed N`). `npm run chaos` runs long.
const seeds = [1, 2, Math.floor(Math.random() * 1_000_000)];

describeEachDialect('chaos: servers, workers, database, Redis and S3 under seeded faults', (dialect) => {
  for (const seed of seeds) {
    it(`seed ${seed}: every invariant holds`, { timeout: 240_000 }, async () => {
      const report = await runChaos({ dialect, seed, seconds: 10 });
      console.log(`chaos [${dialect}] seed ${seed}: ${JSON.stringify({ faults: report.faults, operations: report.operations })}`);
      expect(report.violations, `replay: npm run chaos -- --seed ${seed} --dialects ${dialect}`).toEqual([]);
    });
  }
});

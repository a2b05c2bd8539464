/**
 * `npm run chaos -- [--minutes M | --seconds S] [--seed N] [--dialects sqlite,postgresql,mariadb]`: seeded
 * chaos runs, one per dialect, printing each seed so a failing run replays. Exits 1 on any violation.
 */

import { parseArgs } from 'node:util';
import { type DialectName, dialectNames, isDialectName } from '@sluice/db';
import { runChaos } from './chaos-run.ts';

const { values } = parseArgs({
  options: { minutes: { type: 'string' }, seconds: { type: 'string' }, seed: { type: 'string' }, dialects: { type: 'string' } },
});
const seconds = values.seconds ? Number(values.seconds) : Number(values.minutes ?? '1') * 60;
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 1_000_000);
const dialects = (values.dialects?.split(',') ?? [...dialectNames]).filter((name): name is DialectName => isDialectName(name));
let violations = 0;
for (const dialect of dialects) {
  console.log(`chaos: ${dialect}, seed ${seed}, ${seconds} s of faults`);
  const report = await runChaos({ dialect, seed, seconds, log: (line) => console.log(`  ${line}`) });
  console.log(JSON.stringify(report, null, 2));
  violations += report.violations.length;
}
console.log(`chaos: ${violations} violation(s); replay with --seed ${seed}`);
process.exit(violations > 0 ? 1 : 0);

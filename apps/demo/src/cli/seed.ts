/**
 * `npm run seed -- --people N [--seed S]`: appends generated demo data to the database in
 * DATABASE_URL (migrating it first). Prints the rows written and the time taken.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../seed/seed-database.ts';

const { values } = parseArgs({
  options: { people: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, 'batch-size': { type: 'string', default: '5000' } },
});
const people = Number(values.people);
const seed = Number(values.seed);
const batchSize = Number(values['batch-size']);
if (![people, seed, batchSize].every((n) => Number.isSafeInteger(n) && n >= 0) || batchSize === 0) {
  console.error('usage: npm run seed -- --people N [--seed S] [--batch-size B] (non-negative integers)');
  process.exit(2);
}

const config = loadConfig();
const { orm, dialect } = await openDatabase(config.databaseUrl);
try {
  const started = performance.now();
  const em = orm.em.fork();
  await seedReferenceData(em);
  let lastReport = 0;
  const summary = await seedPeople(em, {
    people,
    seed,
    batchSize,
    onProgress: (done, total) => {
      if (performance.now() - lastReport < 2_000 && done < total) return;
      lastReport = performance.now();
      console.log(`seed: ${done}/${total} people`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`seed: ${summary.people} people, ${summary.activities} activities, ${summary.orders} orders into ${dialect.name} in ${seconds.toFixed(1)} s`);
} finally {
  await orm.close();
}

/**
 * Seed throughput: `node bench/seed.bench.ts --people 1000000 --dialects postgresql,sqlite`.
 * Each dialect gets a fresh database (dropped afterwards); prints rows written, seconds and rows/s.
 */

import { parseArgs } from 'node:util';
import { isDialectName } from '@sluice/db';
import { createTestDatabase } from '@sluice/test-utils';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' }, dialects: { type: 'string', default: 'postgresql,sqlite' } } });
const people = Number(values.people);

for (const dialect of values.dialects.split(',')) {
  if (!isDialectName(dialect)) throw new Error(`unknown dialect ${dialect}`);
  const database = await createTestDatabase(dialect);
  const { orm } = await openDatabase(database.url);
  try {
    const em = orm.em.fork();
    await seedReferenceData(em);
    const started = performance.now();
    const summary = await seedPeople(em, { people, seed: 1 });
    const seconds = (performance.now() - started) / 1000;
    const rows = summary.people + summary.activities + summary.orders;
    console.log(
      `${dialect}: ${summary.people} people, ${summary.activities} activities, ${summary.orders} orders in ${seconds.toFixed(1)} s ` +
        `(${Math.round(rows / seconds)} rows/s, peak RSS ${Math.round(process.memoryUsage().rss / 1048576)} MB)`,
    );
  } finally {
    await orm.close(true);
    await database.drop();
  }
}

/**
 * History overhead: `node bench/audit.bench.ts --dialects sqlite,postgresql`.
 * On a fresh demo database per dialect, times (median of 5 after a warm-up) one flush of 1,000
 * updated people and one of 1,000 created people, with the history subscriber and without; then the
 * first 50-entry page of the history of an order that has 10,000 revisions.
 */
import { parseArgs } from 'node:util';
import { AuditChange, AuditRevision, HistoryReader } from '@sluice/audit';
import { createTestDatabase, isDialect } from '@sluice/test-utils';
import { demoAudit } from '../apps/demo/src/audit/tracked-entities.ts';
import { Center, CustomerOrder, Person } from '../apps/demo/src/db/entities/index.ts';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';

const { values } = parseArgs({ options: { dialects: { type: 'string', default: 'sqlite,postgresql' } } });
const batch = 1_000;

async function median(run: (round: number) => Promise<unknown>, repeat = 5): Promise<number> {
  await run(-1);
  const times: number[] = [];
  for (let round = 0; round < repeat; round++) {
    const started = performance.now();
    await run(round);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

for (const dialect of values.dialects.split(',')) {
  if (!isDialect(dialect)) throw new Error(`unknown dialect ${dialect}`);
  const database = await createTestDatabase(dialect);
  const withHistory = await openDatabase(database.url);
  const withoutHistory = await openDatabase(database.url, { subscribers: [] });
  try {
    await seedReferenceData(withHistory.orm.em.fork(), dialect);
    await seedPeople(withHistory.orm.em.fork(), dialect, { people: batch, seed: 3 });
    const results: Record<string, number> = {};
    for (const [label, { orm }] of [
      ['off', withoutHistory],
      ['on', withHistory],
    ] as const) {
      // Untimed: loading the people; timed: computing and writing the flush.
      results[`update ${label}`] = await (async () => {
        const times: number[] = [];
        for (let round = -1; round < 5; round++) {
          const em = orm.em.fork();
          const people = await em.find(Person, {}, { limit: batch, orderBy: { id: 'asc' } });
          for (const person of people) person.lastName = `${label}-${round}-${person.id}`;
          const started = performance.now();
          await em.flush();
          if (round >= 0) times.push(performance.now() - started);
        }
        return times.sort((a, b) => a - b)[2] as number;
      })();
      results[`create ${label}`] = await median(async () => {
        const em = orm.em.fork();
        const center = em.getReference(Center, 1);
        for (let i = 0; i < batch; i++) em.create(Person, { firstName: 'Bench', lastName: `${label}${i}`, center, createdAt: new Date() });
        await em.flush();
      });
    }

    // One order with 10,000 revisions, written directly (as 10,000 flushes would).
    const em = withHistory.orm.em.fork();
    const order = await em.findOneOrFail(CustomerOrder, { id: { $gt: 0 } }, { orderBy: { id: 'asc' } });
    for (let start = 0; start < 10_000; start += 1_000) {
      const revisions = await em.insertMany(
        AuditRevision,
        Array.from({ length: 1_000 }, () => ({ createdAt: new Date(), actorId: 1, actorName: 'admin' })),
      );
      await em.insertMany(
        AuditChange,
        revisions.map((revision, i) => ({
          revision,
          entityType: 'orders',
          entityId: String(order.id),
          action: 'update' as const,
          scope: '1',
          changes: [{ field: 'totalPrice', old: `€${start + i}.00`, new: `€${start + i + 1}.00` }],
          collections: [],
          state: {},
        })),
      );
    }
    const reader = new HistoryReader(demoAudit);
    const firstPage = await median(() => reader.history(withHistory.orm.em.fork(), 'orders', order.id, { limit: 50 }), 7);

    const ratio = (name: string) => ((results[`${name} on`] as number) / (results[`${name} off`] as number)).toFixed(2);
    console.log(`## ${dialect}`);
    console.log(
      `flush ${batch} updates: ${results['update off']?.toFixed(1)} ms without history, ${results['update on']?.toFixed(1)} ms with (${ratio('update')}x)`,
    );
    console.log(
      `flush ${batch} creates: ${results['create off']?.toFixed(1)} ms without history, ${results['create on']?.toFixed(1)} ms with (${ratio('create')}x)`,
    );
    console.log(`history of an order with 10,000 revisions, first page of 50: ${firstPage.toFixed(2)} ms`);
  } finally {
    await withoutHistory.orm.close(true);
    await withHistory.orm.close(true);
    await database.drop();
  }
}

/**
 * History overhead: `node bench/audit.bench.ts --dialects sqlite,postgresql,mariadb --rounds 9`.
 * On a fresh demo database per dialect, one flush of 1,000 updated people and one of 1,000 created
 * people, with the history subscriber and without, in interleaved rounds (off/on, then on/off, so
 * neither side always runs second): median and spread of the times and of each round's ratio. Then
 * the first 50-entry page of the history of an order that has 10,000 revisions.
 */

import { parseArgs } from 'node:util';
import { AuditChange, AuditRevision, AuditSubscriber, HistoryReader } from '@sluice/audit';
import { isDialectName } from '@sluice/db';
import { createTestDatabase } from '@sluice/test-utils';
import { demoAudit } from '../apps/demo/src/audit/tracked-entities.ts';
import { Center, CustomerOrder, Person } from '../apps/demo/src/db/entities/index.ts';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({ options: { dialects: { type: 'string', default: 'sqlite,postgresql,mariadb' }, rounds: { type: 'string', default: '9' } } });
const rounds = Number(values.rounds);
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
  if (!isDialectName(dialect)) throw new Error(`unknown dialect ${dialect}`);
  const database = await createTestDatabase(dialect);
  // History alone against nothing: the demo's sync capture (another subscriber) stays out of both sides.
  const withHistory = await openDatabase(database.url, { subscribers: [new AuditSubscriber(demoAudit)] });
  const withoutHistory = await openDatabase(database.url, { subscribers: [] });
  try {
    await seedReferenceData(withHistory.orm.em.fork());
    await seedPeople(withHistory.orm.em.fork(), { people: batch, seed: 3 });
    type Orm = typeof withHistory.orm;
    // Untimed: loading the people; timed: computing and writing the flush.
    const update = async (orm: Orm, mark: string) => {
      const em = orm.em.fork();
      const people = await em.find(Person, {}, { limit: batch, orderBy: { id: 'asc' } });
      for (const person of people) person.lastName = `${mark}-${person.id}`;
      const started = performance.now();
      await em.flush();
      return performance.now() - started;
    };
    const create = async (orm: Orm, mark: string) => {
      const em = orm.em.fork();
      const center = em.getReference(Center, 1);
      for (let i = 0; i < batch; i++) em.create(Person, { firstName: 'Bench', lastName: `${mark}${i}`, center, createdAt: new Date() });
      const started = performance.now();
      await em.flush();
      return performance.now() - started;
    };
    const sides = { off: withoutHistory.orm, on: withHistory.orm };
    const samples: Record<string, { off: number[]; on: number[]; ratio: number[]; added: number[] }> = {};
    for (const [name, flush] of [
      ['update', update],
      ['create', create],
    ] as const) {
      const sample = { off: [] as number[], on: [] as number[], ratio: [] as number[], added: [] as number[] };
      for (let round = -1; round < rounds; round++) {
        const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
        const times = { off: 0, on: 0 };
        for (const side of order) times[side] = await flush(sides[side], `${side}-${round}`);
        if (round < 0) continue; // warm-up
        sample.off.push(times.off);
        sample.on.push(times.on);
        sample.ratio.push(times.on / times.off);
        sample.added.push(times.on - times.off);
      }
      samples[name] = sample;
    }

    // One order with 10,000 revisions, written directly (as 10,000 flushes would).
    const em = withHistory.orm.em.fork();
    const order = await em.findOneOrFail(CustomerOrder, { id: { $gt: 0 } }, { orderBy: { id: 'asc' } });
    for (let start = 0; start < 10_000; start += 1_000) {
      await em.insertMany(
        AuditRevision,
        Array.from({ length: 1_000 }, () => ({ createdAt: new Date(), actorId: 1, actorName: 'admin' })),
      );
      // insertMany answers one id on PostgreSQL, not one per row (an earlier version of this benchmark
      // wrote 10 changes, not 10,000): the ids are read back.
      const revisions = (await em.getConnection().execute<{ id: number }[]>('select id from audit_revision order by id desc limit 1000')).map((row) =>
        Number(row.id),
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
    const [written] = await em.getConnection().execute<{ n: number }[]>("select count(*) as n from audit_change where entity_type = 'orders'");
    if (Number(written?.n) < 10_000) throw new Error(`the order has ${written?.n} changes, not 10,000`);
    const reader = new HistoryReader(demoAudit);
    const firstPage = await median(() => reader.history(withHistory.orm.em.fork(), 'orders', order.id, { limit: 50 }), 7);

    console.log(`## ${dialect} (${rounds} interleaved rounds; median (min-max))`);
    for (const [name, sample] of Object.entries(samples))
      console.log(
        `flush ${batch} ${name}s: ${spread(sample.off, 1)} ms without history, ${spread(sample.on, 1)} ms with; with / without ${spread(sample.ratio, 2)}x; history adds ${spread(sample.added, 1)} ms`,
      );
    console.log(`history of an order with 10,000 revisions, first page of 50: ${firstPage.toFixed(2)} ms`);
  } finally {
    await withoutHistory.orm.close(true);
    await withHistory.orm.close(true);
    await database.drop();
  }
}

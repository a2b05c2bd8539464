import type { EntityManager } from '@mikro-orm/sql';
import { dialectOf } from '@sluice/db/mikro-orm';
import { createTestDatabase, type TestDatabase } from '@sluice/test-utils';
import { BulkInserter } from '../apps/demo/src/db/bulk-insert.ts';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { generatePeople } from '../apps/demo/src/seed/generate-people.ts';
import { seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';
import { SeededRandom } from '../apps/demo/src/seed/seeded-random.ts';
import { bulkPeople } from '../apps/demo/test/fixtures/bulk-people.ts';

/** Which people a benchmark database holds. */
export type PeopleShape = 'synthetic' | 'seeded';

/** Fills a demo database with reference data and `people` synthetic people by SQL, then analyses it (keyset plans need statistics). */
export async function fillWithPeople(em: EntityManager, people: number): Promise<void> {
  await seedReferenceData(em.fork());
  await em.getConnection().execute(bulkPeople('postgresql', people));
  await em.getConnection().execute('analyze');
}

/**
 * Fills a demo database with the people `npm run seed` makes (its generator, its default seed 1: four
 * centers, one named with a non-ASCII letter, about 5% NULL genders, birthdates and nationalities, faker's
 * names), without the activities and orders no people list reads: a fifth of the seed's time.
 */
export async function fillWithSeededPeople(em: EntityManager, people: number): Promise<void> {
  await seedReferenceData(em.fork());
  const random = new SeededRandom(1);
  const ids = { person: 0, activity: 0, order: 0 };
  const db = BulkInserter.forEntityManager(em, dialectOf(em));
  for (let done = 0; done < people; ) {
    const batch = generatePeople(random, Math.min(5_000, people - done), ids);
    await db.insert('person', batch.people);
    done += batch.people.length;
  }
  await em.getConnection().execute(dialectOf(em).syncSerial('person', 'id') as string);
  await em.getConnection().execute('analyze');
}

/**
 * A fresh PostgreSQL demo database holding `people` people: what the user-level benchmarks run against.
 * @example const database = await bulkPeopleDatabase(1_000_000, 'seeded'); // ... await database.drop();
 */
export async function bulkPeopleDatabase(people: number, shape: PeopleShape = 'synthetic'): Promise<TestDatabase> {
  const database = await createTestDatabase('postgresql');
  const { orm } = await openDatabase(database.url);
  try {
    await (shape === 'seeded' ? fillWithSeededPeople : fillWithPeople)(orm.em, people);
  } finally {
    await orm.close();
  }
  return database;
}

import type { EntityManager } from '@mikro-orm/sql';
import { createTestDatabase, type TestDatabase } from '@sluice/test-utils';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';
import { bulkPeople } from '../apps/demo/test/fixtures/bulk-people.ts';

/** Fills a demo database with reference data and `people` people by SQL, then analyses it (keyset plans need statistics). */
export async function fillWithPeople(em: EntityManager, people: number): Promise<void> {
  await seedReferenceData(em.fork());
  await em.getConnection().execute(bulkPeople('postgresql', people));
  await em.getConnection().execute('analyze');
}

/**
 * A fresh PostgreSQL demo database holding `people` people: what the user-level benchmarks run against.
 * @example const database = await bulkPeopleDatabase(1_000_000); // ... await database.drop();
 */
export async function bulkPeopleDatabase(people: number): Promise<TestDatabase> {
  const database = await createTestDatabase('postgresql');
  const { orm } = await openDatabase(database.url);
  try {
    await fillWithPeople(orm.em, people);
  } finally {
    await orm.close();
  }
  return database;
}

import type { EntityManager } from '@mikro-orm/sql';
import type { Dialect } from '@sluice/db';
import { dialectOf } from '@sluice/db/mikro-orm';
import { hashPassword } from '../auth/password.ts';
import { BulkInserter } from '../db/bulk-insert.ts';
import { generatePeople, type IdCursor } from './generate-people.ts';
import { demoActivityTypes, demoCenters, demoProducts, demoStatuses, demoUsers } from './reference-data.ts';
import { SeededRandom } from './seeded-random.ts';

/** What {@link seedPeople} generates. */
export interface SeedOptions {
  people: number;
  /** Same seed, same rows. */
  seed: number;
  /** People per transaction. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Rows written by {@link seedPeople}. */
export interface SeedSummary {
  people: number;
  activities: number;
  orders: number;
}

const serialTables = ['center', 'app_user', 'activity_type', 'status', 'product', 'person', 'activity', 'customer_order'];

/** Inserts centers, activity types, statuses, products and the demo users, unless already there. */
export async function seedReferenceData(em: EntityManager): Promise<void> {
  const dialect = dialectOf(em);
  const db = BulkInserter.forEntityManager(em, dialect);
  if ((await maxId(em, 'center')) > 0) return;
  const users = await Promise.all(
    demoUsers.map(async (user, index) => ({
      id: index + 1,
      username: user.username,
      email: user.email,
      password_hash: await hashPassword(user.username),
      roles: user.roles,
    })),
  );
  await db.transaction(async (trx) => {
    await trx.insert(
      'center',
      demoCenters.map((name, index) => ({ id: index + 1, name })),
    );
    await trx.insert(
      'activity_type',
      demoActivityTypes.map((name, index) => ({ id: index + 1, name })),
    );
    await trx.insert(
      'status',
      demoStatuses.map((name, index) => ({ id: index + 1, name })),
    );
    await trx.insert(
      'product',
      demoProducts.map(([name, price], index) => ({ id: index + 1, name, price })),
    );
    await trx.insert('app_user', users);
    await trx.insert(
      'app_user_centers',
      demoUsers.flatMap((user, index) =>
        (user.centers ?? demoCenters.map((_, c) => c + 1)).map((centerId) => ({ app_user_id: index + 1, center_id: centerId })),
      ),
    );
  });
  await resetSequences(em, dialect);
}

/**
 * Appends `options.people` generated people, with their activities and orders, after the existing
 * rows. Each batch is one transaction of multi-row inserts.
 */
export async function seedPeople(em: EntityManager, options: SeedOptions): Promise<SeedSummary> {
  const dialect = dialectOf(em);
  const random = new SeededRandom(options.seed);
  const batchSize = options.batchSize ?? 5_000;
  const ids: IdCursor = { person: await maxId(em, 'person'), activity: await maxId(em, 'activity'), order: await maxId(em, 'customer_order') };
  const summary: SeedSummary = { people: 0, activities: 0, orders: 0 };
  const db = BulkInserter.forEntityManager(em, dialect);
  for (let done = 0; done < options.people; ) {
    const batch = generatePeople(random, Math.min(batchSize, options.people - done), ids);
    await db.transaction(async (trx) => {
      await trx.insert('person', batch.people);
      await trx.insert('activity', batch.activities);
      await trx.insert('customer_order', batch.orders);
      await trx.insert('customer_order_products', batch.orderProducts);
    });
    done += batch.people.length;
    summary.people += batch.people.length;
    summary.activities += batch.activities.length;
    summary.orders += batch.orders.length;
    options.onProgress?.(done, options.people);
  }
  await resetSequences(em, dialect);
  await analyze(em, dialect);
  return summary;
}

/**
 * Refreshes planner statistics after a bulk load. Without them PostgreSQL planned keyset pages over a
 * freshly seeded million people as full sorts: an export that takes 3.6 s took 304 s.
 */
async function analyze(em: EntityManager, dialect: Dialect): Promise<void> {
  await em.getConnection().execute(dialect.analyze(['person', 'activity', 'customer_order', 'customer_order_products']));
}

/** True when the demo has no data yet (no center), i.e. `npm start` should seed. */
export async function isDatabaseEmpty(em: EntityManager): Promise<boolean> {
  return (await maxId(em, 'center')) === 0;
}

async function maxId(em: EntityManager, table: string): Promise<number> {
  const [row] = await em.getConnection().execute<{ max_id: number | string | null }[]>(`select max(id) as max_id from ${table}`);
  return Number(row?.max_id ?? 0);
}

/** Explicit ids leave PostgreSQL sequences behind; MariaDB and SQLite move their counters themselves. */
async function resetSequences(em: EntityManager, dialect: Dialect): Promise<void> {
  for (const table of serialTables) {
    const statement = dialect.syncSerial(table, 'id');
    if (statement) await em.getConnection().execute(statement);
  }
}

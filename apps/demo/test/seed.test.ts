import { createHash } from 'node:crypto';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../src/seed/seed-database.ts';

interface Seeded {
  database: TestDatabase;
  db: Database;
}

async function seeded(dialect: TestDatabase['dialect'], seed: number, people: number): Promise<Seeded> {
  const database = await createTestDatabase(dialect);
  const db = await openDatabase(database.url);
  const em = db.orm.em.fork();
  await seedReferenceData(em);
  // A small batch size makes the run cross batch boundaries, which must not change the data.
  await seedPeople(em, { people, seed, batchSize: seed === 1 ? 97 : 5_000 });
  return { database, db };
}

/** Fingerprint of every generated row, read back in id order. */
async function digest({ db }: Seeded): Promise<string> {
  const hash = createHash('sha256');
  const queries = [
    'select id, first_name, last_name, gender, birthdate, nationality, center_id, created_at from person order by id',
    'select id, person_id, type_id, date, duration_minutes, created_at from activity order by id',
    'select id, person_id, status_id, total_price, delivery_date, created_at, updated_at from customer_order order by id',
    'select customer_order_id, product_id from customer_order_products order by customer_order_id, product_id',
  ];
  for (const sql of queries) hash.update(JSON.stringify(await db.orm.em.getConnection().execute(sql)));
  return hash.digest('hex');
}

describeEachDialect('seed generator', (dialect) => {
  const runs: Seeded[] = [];
  let first: Seeded;
  beforeAll(async () => {
    first = await seeded(dialect, 1, 2_000);
    runs.push(first);
  });
  afterAll(async () => {
    for (const run of runs) {
      await run.db.orm.close(true);
      await run.database.drop();
    }
  });

  it('writes the same rows for the same seed, and other rows for another seed', async () => {
    const again = await seeded(dialect, 1, 2_000);
    const other = await seeded(dialect, 2, 2_000);
    runs.push(again, other);
    const reference = await digest(first);
    expect(await digest(again)).toBe(reference);
    expect(await digest(other)).not.toBe(reference);
  });

  it('has realistic distributions', async () => {
    const connection = first.db.orm.em.getConnection();
    const [stats] = await connection.execute<Record<string, number | string>[]>(`
      select count(*) as people,
        sum(case when gender is null then 1 else 0 end) as null_gender,
        sum(case when birthdate is null then 1 else 0 end) as null_birthdate,
        sum(case when nationality is null then 1 else 0 end) as null_nationality,
        count(distinct center_id) as centers,
        (select count(*) from activity) as activities,
        (select count(*) from customer_order) as orders,
        (select count(*) from person p where not exists (select 1 from activity a where a.person_id = p.id)) as without_activity,
        (select max(c) from (select count(*) as c from activity group by person_id) per_person) as max_activities
      from person`);
    const n = (key: string) => Number(stats?.[key]);
    expect(n('people')).toBe(2_000);
    for (const key of ['null_gender', 'null_birthdate', 'null_nationality']) {
      expect(n(key) / 2_000, key).toBeGreaterThan(0.03);
      expect(n(key) / 2_000, key).toBeLessThan(0.07);
    }
    expect(n('centers')).toBe(4);
    expect(n('activities') / 2_000).toBeGreaterThan(4);
    expect(n('activities') / 2_000).toBeLessThan(6);
    expect(n('orders') / 2_000).toBeGreaterThan(0.07);
    expect(n('orders') / 2_000).toBeLessThan(0.13);
    expect(n('without_activity')).toBeGreaterThan(100);
    expect(n('max_activities')).toBeGreaterThan(8);
  });

  it('keeps generated ids usable by the ORM afterwards', async () => {
    const response = await first.db.orm.em.getConnection().execute("insert into center (name) values ('After seed')");
    expect(response).toBeDefined();
    const [row] = await first.db.orm.em.getConnection().execute<{ id: number }[]>("select id from center where name = 'After seed'");
    expect(Number(row?.id)).toBe(5);
  });
});

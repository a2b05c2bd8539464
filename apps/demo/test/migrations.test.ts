import { createTestDatabase, describeEachDialect, type TestDatabase } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/open-orm.ts';

// Other programs read these tables; the names are a contract.
const contract: Record<string, string[]> = {
  center: ['id', 'name'],
  app_user: ['id', 'username', 'password_hash', 'roles'],
  app_user_centers: ['app_user_id', 'center_id'],
  person: ['id', 'first_name', 'last_name', 'gender', 'birthdate', 'nationality', 'center_id', 'created_at'],
  activity_type: ['id', 'name'],
  activity: ['id', 'person_id', 'type_id', 'date', 'duration_minutes', 'created_at'],
  status: ['id', 'name'],
  product: ['id', 'name', 'price'],
  customer_order: ['id', 'person_id', 'status_id', 'total_price', 'delivery_date', 'created_at', 'updated_at'],
  customer_order_products: ['customer_order_id', 'product_id'],
};

describeEachDialect('migrations', (dialect) => {
  let database: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = await openDatabase(database.url);
  });
  afterAll(async () => {
    await db.orm.close(true);
    await database.drop();
  });

  it('build from an empty database exactly the schema the entities describe', async () => {
    expect(await db.orm.migrator.getPending()).toEqual([]);
    expect((await db.orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
  });

  it('create the contracted tables and columns', async () => {
    const connection = db.orm.em.getConnection();
    for (const [table, columns] of Object.entries(contract)) {
      await expect(connection.execute(`select ${columns.join(', ')} from ${table} where 1 = 0`)).resolves.toEqual([]);
    }
  });

  it('are idempotent: running them again changes nothing', async () => {
    expect(await db.orm.migrator.up()).toEqual([]);
  });
});

describeEachDialect('migrations started by several processes at once', (dialect) => {
  it('run once: servers and workers that start together on a new release wait for each other', async () => {
    const database = await createTestDatabase(dialect);
    try {
      // Four instances of a deployment opening the same empty database at the same moment.
      const opened = await Promise.allSettled([1, 2, 3, 4].map(() => openDatabase(database.url)));
      for (const result of opened) if (result.status === 'fulfilled') await result.value.orm.close(true);
      expect(opened.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
      const check = await openDatabase(database.url);
      const executed = await check.orm.migrator.getExecuted();
      await check.orm.close(true);
      expect(new Set(executed.map((migration) => migration.name)).size).toBe(executed.length);
    } finally {
      await database.drop();
    }
  });
});

import { createTestDatabase, testDialects } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../../../bench/demo-server.ts';
import { openDatabase } from '../src/db/open-orm.ts';

// Several servers share a database only on PostgreSQL and MariaDB; an SQLite file is served by one process.
for (const dialect of testDialects().filter((name) => name !== 'sqlite')) {
  describe(`servers of a new release started together [${dialect}]`, () => {
    it('migrate and seed an empty database once, and all of them serve it', { timeout: 60_000 }, async () => {
      const database = await createTestDatabase(dialect);
      let servers: DemoServer[] = [];
      try {
        const started = await Promise.allSettled([1, 2, 3].map(() => startDemoServer(database.url, { DEMO_PEOPLE: '40' })));
        servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        expect(started.map((result) => (result.status === 'fulfilled' ? 'serving' : String(result.reason)))).toEqual(['serving', 'serving', 'serving']);
        const { orm } = await openDatabase(database.url, {}, { readOnly: true });
        const count = async (table: string) =>
          Number(((await orm.em.getConnection().execute(`select count(*) as n from ${table}`)) as { n: number | string }[])[0]?.n);
        const [people, centers, migrations] = [await count('person'), await count('center'), await orm.migrator.getExecuted()];
        await orm.close(true);
        expect({ people, centers, migrationsRunOnce: new Set(migrations.map((m) => m.name)).size === migrations.length }).toEqual({
          people: 40,
          centers: 4,
          migrationsRunOnce: true,
        });
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
        await database.drop();
      }
    });
  });
}

import { dialectNamed } from '@sluice/db';
import { createTestDatabase, describeEachDialect } from '@sluice/test-utils';
import { expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../../../bench/demo-server.ts';
import { openDatabase } from '../src/db/open-orm.ts';

async function contents(url: string) {
  const { orm } = await openDatabase(url, {}, { readOnly: true });
  const count = async (table: string) =>
    Number(((await orm.em.getConnection().execute(`select count(*) as n from ${table}`)) as { n: number | string }[])[0]?.n);
  const [people, centers, migrations] = [await count('person'), await count('center'), await orm.migrator.getExecuted()];
  await orm.close(true);
  return { people, centers, migrationsRunOnce: new Set(migrations.map((m) => m.name)).size === migrations.length };
}

async function startAll(url: string, count: number): Promise<DemoServer[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startDemoServer(url, { DEMO_PEOPLE: '40' })));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (servers.length < count) {
    await Promise.all(servers.map((server) => server.stop()));
    expect(started.map((result) => (result.status === 'fulfilled' ? 'serving' : String(result.reason)))).toEqual(started.map(() => 'serving'));
  }
  return servers;
}

// Several servers share a database only on PostgreSQL and MariaDB; an SQLite file is served by one process,
// so there the "release" is one server. On every dialect a restart must neither migrate nor seed again.
describeEachDialect('servers of a new release started together', (dialect) => {
  const together = dialectNamed(dialect).embedded ? 1 : 3;
  it(`${together} server(s) migrate and seed an empty database once, and a restart keeps it`, { timeout: 90_000 }, async () => {
    const database = await createTestDatabase(dialect);
    try {
      for (const round of ['first start', 'restart']) {
        const servers = await startAll(database.url, together);
        await Promise.all(servers.map((server) => server.stop()));
        expect({ round, ...(await contents(database.url)) }).toEqual({ round, people: 40, centers: 4, migrationsRunOnce: true });
      }
    } finally {
      await database.drop();
    }
  });
});

import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { registerSluiceErrors } from '@sluice/core/fastify';
import type { DialectName } from '@sluice/db';
import { createTestDatabase, describeEachDialect } from '@sluice/test-utils';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Person } from '../src/db/entities/index.ts';
import { type Database, openDatabase } from '../src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../src/seed/seed-database.ts';

/**
 * A write the database gives up on because of a concurrent one answered 500 (found by an attacker: PATCHes
 * at REPEATABLE READ on PostgreSQL, task creation under load). Each dialect's way of giving up is provoked
 * for real: a serialization failure on PostgreSQL, a lock wait timeout on MariaDB, a busy database on SQLite.
 */
/**
 * How each database gives up a write for a concurrent one: PostgreSQL fails a REPEATABLE READ write of a
 * row another transaction committed since its snapshot; MariaDB and SQLite give up waiting for a lock
 * another writer holds (shortened here so the test takes a second).
 */
const provocations: Record<DialectName, { session: string[]; options: { isolationLevel?: IsolationLevel }; writerCommitsFirst: boolean }> = {
  postgresql: { session: [], options: { isolationLevel: IsolationLevel.REPEATABLE_READ }, writerCommitsFirst: true },
  mariadb: { session: ['set session innodb_lock_wait_timeout = 1'], options: {}, writerCommitsFirst: false },
  sqlite: { session: ['pragma busy_timeout = 200'], options: {}, writerCommitsFirst: false },
};

describeEachDialect('a write the database gives up on for a concurrent one', (dialect) => {
  const provoke = provocations[dialect];
  let app: Database;
  let other: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase(dialect);
    drop = database.drop;
    app = await openDatabase(database.url);
    await seedReferenceData(app.orm.em.fork());
    await seedPeople(app.orm.em.fork(), { people: 3, seed: 7 });
    other = await openDatabase(database.url);
  });
  afterAll(async () => {
    await other?.orm.close(true);
    await app?.orm.close(true);
    await drop?.();
  });

  const gate = () => Promise.withResolvers<void>();
  const run = (em: EntityManager, sql: string) => em.getConnection().execute(sql, [], 'run', em.getTransactionContext());

  it('answers 409 CONCURRENT_WRITE and applies nothing', async () => {
    const [person] = await app.orm.em.fork().find(Person, {}, { orderBy: { id: 'asc' }, limit: 1 });
    const id = person?.id as number;
    const read = gate();
    const concurrent = gate();
    const server = Fastify();
    registerSluiceErrors(server);
    server.post('/rename', () =>
      app.orm.em.fork().transactional(async (em) => {
        for (const statement of provoke.session) await run(em, statement);
        const row = await em.findOneOrFail(Person, id);
        read.resolve();
        await concurrent.promise;
        row.lastName = 'Mine';
        await em.flush();
        return { ok: true };
      }, provoke.options),
    );
    const answer = server.inject({ method: 'POST', url: '/rename' });
    await read.promise;
    // PostgreSQL: another writer commits a change of the row the snapshot read. MariaDB, SQLite: another
    // writer holds it (SQLite: the whole database) past the lock wait.
    const done = gate();
    const writer = other.orm.em.fork().transactional(async (em) => {
      await run(em, `update person set last_name = 'Theirs' where id = ${id}`);
      if (provoke.writerCommitsFirst) return;
      concurrent.resolve();
      await done.promise;
      throw new Error('rolled back on purpose');
    });
    if (provoke.writerCommitsFirst) {
      await writer;
      concurrent.resolve();
    }
    const response = await answer;
    done.resolve();
    await writer.catch(() => {});
    expect([response.statusCode, response.json().error?.code]).toEqual([409, 'CONCURRENT_WRITE']);
    const [stored] = await app.orm.em.fork().getConnection().execute('select last_name from person where id = ?', [id]);
    expect(stored?.last_name).not.toBe('Mine');
    await server.close();
  });
});

import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { CompiledQuery, type Kysely } from 'kysely';
import type { SqlRun } from '../sql-run.ts';
import { dialectOf } from './dialect-of.ts';

/** Values every driver binds alike; others (dates, booleans, big integers, objects) are left to MikroORM's formatting. */
const bindsAlike = (value: unknown) => value === null || typeof value === 'string' || typeof value === 'number';

/**
 * A statement runner on `em`'s connection, inside `transaction` (a MikroORM transaction context) when
 * given, else in `em`'s own transaction if it is in one.
 *
 * Parameters travel to the driver as bound values: MikroORM's `execute` formats each into the SQL text
 * in JavaScript first, and escaping the 200 kB JSON parameter of a 1,000-row history flush that way cost
 * PostgreSQL 2.8 ms and MariaDB 4-5 ms per flush (a CPU profile of `bench/audit.bench.ts`).
 *
 * @example
 * ```ts
 * const run = sqlRunner(em);
 * const rows = await run('select id from person where center_id = ?', [2]);
 * ```
 */
export function sqlRunner(em: EntityManager, transaction: unknown = em.isInTransaction() ? em.getTransactionContext() : undefined): SqlRun {
  const connection = em.getConnection() as unknown as AbstractSqlConnection;
  const dialect = dialectOf(em);
  const logger = em.config.getLogger();
  return async (sql, params = []) => {
    if (!params.every(bindsAlike)) return connection.execute(sql, params as unknown[], 'all', transaction as never) as Promise<Record<string, unknown>[]>;
    await connection.ensureConnection();
    const client = (transaction ?? connection.getClient()) as Kysely<unknown>;
    const started = Date.now();
    // Without parameters the statement runs as written: a `?` in it is text (as MikroORM leaves it).
    const statement = params.length > 0 ? CompiledQuery.raw(dialect.bound(sql), [...params]) : CompiledQuery.raw(sql);
    const { rows } = await client.executeQuery<Record<string, unknown>>(statement);
    // Logged as MikroORM logs its own statements, so `debug: ['query']` still shows every one.
    if (logger.isEnabled('query')) logger.logQuery({ query: sql, params: [...params], took: Date.now() - started, results: rows.length, level: 'info' });
    return rows;
  };
}

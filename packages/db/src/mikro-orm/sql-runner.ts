import type { EntityManager } from '@mikro-orm/core';
import type { SqlRun } from '../sql-run.ts';

/**
 * A statement runner on `em`'s connection, inside `transaction` (a MikroORM transaction context) when
 * given, else in `em`'s own transaction if it is in one.
 *
 * @example
 * ```ts
 * const run = sqlRunner(em);
 * const rows = await run('select id from person where center_id = ?', [2]);
 * ```
 */
export function sqlRunner(em: EntityManager, transaction: unknown = em.isInTransaction() ? em.getTransactionContext() : undefined): SqlRun {
  const connection = em.getConnection();
  return (sql, params = []) => connection.execute(sql, params as unknown[], 'all', transaction as never) as Promise<Record<string, unknown>[]>;
}

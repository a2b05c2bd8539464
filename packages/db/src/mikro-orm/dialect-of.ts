import type { EntityManager } from '@mikro-orm/core';
import type { Dialect } from '../dialect.ts';
import { dialectNamed } from '../dialects/dialects.ts';

/**
 * The dialect of an EntityManager's database, told by its MikroORM platform.
 *
 * @example
 * ```ts
 * const dialect = dialectOf(em);
 * await em.getConnection().execute(dialect.analyze(['person']));
 * ```
 */
export function dialectOf(em: Pick<EntityManager, 'getPlatform'>): Dialect {
  const platform = em.getPlatform().constructor.name.toLowerCase();
  if (platform.includes('postgre')) return dialectNamed('postgresql');
  if (platform.includes('sqlite') || platform.includes('libsql')) return dialectNamed('sqlite');
  return dialectNamed('mariadb');
}

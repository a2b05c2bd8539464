import { type Dialect, type DialectName, dialectNames } from '../dialect.ts';
import { mariadbDialect } from './mariadb-dialect.ts';
import { postgresqlDialect } from './postgresql-dialect.ts';
import { sqliteDialect } from './sqlite-dialect.ts';

const byName: Record<DialectName, Dialect> = { sqlite: sqliteDialect, postgresql: postgresqlDialect, mariadb: mariadbDialect };

/** True when `value` names a supported dialect. */
export function isDialectName(value: string): value is DialectName {
  return (dialectNames as readonly string[]).includes(value);
}

/**
 * The dialect called `name`.
 *
 * @example
 * ```ts
 * const dialect = dialectNamed('postgresql');
 * ```
 */
export function dialectNamed(name: DialectName): Dialect {
  return byName[name];
}

/**
 * The dialect of a connection URL: `sqlite:<path>`, `postgres://…` / `postgresql://…`, `mysql://…` /
 * `mariadb://…`; null for anything else.
 */
export function dialectOfUrl(url: string): Dialect | null {
  if (url.startsWith('sqlite:')) return sqliteDialect;
  if (/^postgres(ql)?:\/\//.test(url)) return postgresqlDialect;
  if (/^(mysql|mariadb):\/\//.test(url)) return mariadbDialect;
  return null;
}

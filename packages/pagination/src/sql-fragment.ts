import type { KeyValue } from './cursor-codec.ts';
import type { KeyType } from './ordering.ts';

/**
 * SQL as trusted text interleaved with values. Adapters render values as bound parameters (Kysely)
 * or as the ORM's own parameters (MikroORM); values never become part of the text here.
 */
export type SqlFragment = readonly (string | SqlValue)[];

/** A value inside a fragment, with the key type that decides how it is compared. */
export interface SqlValue {
  value: KeyValue;
  type: KeyType;
}

/** Dialect families whose NULL ordering and syntax differ. */
export type SqlDialect = 'postgresql' | 'sqlite' | 'mysql';

/** Joins fragments with a separator. */
export function joinFragments(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return fragments.flatMap((fragment, index) => (index === 0 ? fragment : [separator, ...fragment]));
}

/** Renders a fragment with `?` placeholders (cast where the dialect needs it) and its parameter list. */
export function toPlaceholders(fragment: SqlFragment, dialect: SqlDialect): { sql: string; params: KeyValue[] } {
  const params: KeyValue[] = [];
  const sql = fragment
    .map((part) => {
      if (typeof part === 'string') return part;
      params.push(part.value);
      const [prefix, suffix] = valueCast(part.type, dialect);
      return `${prefix}?${suffix}`;
    })
    .join('');
  return { sql, params };
}

/**
 * 64-bit keys travel as text. SQLite and MariaDB would compare text with an integer column as a
 * double (losing precision past 2^53), so the value is cast back to an integer in SQL.
 */
export function valueCast(type: KeyType, dialect: SqlDialect): [prefix: string, suffix: string] {
  if (type !== 'bigint' || dialect === 'postgresql') return ['', ''];
  return ['CAST(', dialect === 'sqlite' ? ' AS INTEGER)' : ' AS SIGNED)'];
}

/** The expression selected to read a key: 64-bit integers as text, so no driver turns them into doubles. */
export function keyReadExpression(expression: string, type: KeyType, dialect: SqlDialect): string {
  if (type !== 'bigint') return expression;
  return dialect === 'mysql' ? `CAST(${expression} AS CHAR)` : `CAST(${expression} AS TEXT)`;
}

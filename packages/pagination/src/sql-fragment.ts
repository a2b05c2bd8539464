import type { Dialect } from '@sluice/db';
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

/** Joins fragments with a separator. */
export function joinFragments(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  return fragments.flatMap((fragment, index) => (index === 0 ? fragment : [separator, ...fragment]));
}

/** Renders a fragment with `?` placeholders (cast where the dialect needs it) and its parameter list. */
export function toPlaceholders(fragment: SqlFragment, dialect: Dialect): { sql: string; params: KeyValue[] } {
  const params: KeyValue[] = [];
  const sql = fragment
    .map((part) => {
      if (typeof part === 'string') return part;
      params.push(part.value);
      const [prefix, suffix] = placeholderParts(part.type, dialect);
      return `${prefix}?${suffix}`;
    })
    .join('');
  return { sql, params };
}

/**
 * The SQL before and after a value's placeholder: 64-bit keys travel as text and are compared as
 * integers (see {@link Dialect.bigintParameter}).
 */
export function placeholderParts(type: KeyType, dialect: Dialect): [prefix: string, suffix: string] {
  if (type !== 'bigint') return ['', ''];
  const [prefix = '', suffix = ''] = dialect.bigintParameter('\u0000').split('\u0000');
  return [prefix, suffix];
}

/** The expression selected to read a key: 64-bit integers as text, so no driver turns them into doubles. */
export function keyReadExpression(expression: string, type: KeyType, dialect: Dialect): string {
  return type === 'bigint' ? dialect.bigintText(expression) : expression;
}

import type { KeyValue } from './cursor-codec.ts';
import type { SortKey } from './ordering.ts';
import { joinFragments, type SqlFragment } from './sql-fragment.ts';

/**
 * The NULL rule shared by ORDER BY and every cursor condition, on every dialect: NULL sorts after
 * every value in ascending order (and so before every value in descending order).
 */
function isNullLast(key: SortKey): boolean {
  return key.direction === 'asc';
}

/** Condition "the key's value comes strictly after `value`" in the key's own direction, or null when nothing does. */
function comesAfter(key: SortKey, value: KeyValue): SqlFragment | null {
  const e = key.expression;
  if (value === null) {
    // NULL is the last value ascending; descending, every non-NULL value follows it.
    return isNullLast(key) ? null : [`${e} IS NOT NULL`];
  }
  const operator = key.direction === 'asc' ? '>' : '<';
  const strict: SqlFragment = [`${e} ${operator} `, { value, type: key.type }];
  return key.nullable && isNullLast(key) ? ['(', ...strict, ` OR ${e} IS NULL)`] : strict;
}

function equals(key: SortKey, value: KeyValue): SqlFragment {
  return value === null ? [`${key.expression} IS NULL`] : [`${key.expression} = `, { value, type: key.type }];
}

/** The direction-reversed keys, for walking backwards. */
export function reverseKeys(keys: readonly SortKey[]): SortKey[] {
  return keys.map((key) => ({ ...key, direction: key.direction === 'asc' ? 'desc' : 'asc' }));
}

/**
 * `(k1, k2) > (v1, v2)`: when every key runs the same way and no value is NULL, the row comparison
 * means the same as the expansion, and databases turn it into one index range instead of a filter.
 */
function rowValueCondition(keys: readonly SortKey[], values: readonly KeyValue[], inclusive: boolean): SqlFragment | null {
  const direction = keys[0]?.direction;
  if (keys.length < 2 || keys.some((key, index) => key.direction !== direction || key.nullable || values[index] === null)) return null;
  const operator = (direction === 'asc' ? '>' : '<') + (inclusive ? '=' : '');
  const tuple = joinFragments(
    keys.map((key, index) => [{ value: values[index] as KeyValue, type: key.type }]),
    ', ',
  );
  return [`(${keys.map((key) => key.expression).join(', ')}) ${operator} (`, ...tuple, ')'];
}

/**
 * WHERE condition selecting the rows after `values` in the order of `keys` (include the row itself
 * when `inclusive`). It is the expansion `k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...`, plus a leading
 * range bound on the first key so that an index on it is used for a deep page.
 */
export function keysetCondition(keys: readonly SortKey[], values: readonly KeyValue[], inclusive: boolean): SqlFragment {
  const rowValue = rowValueCondition(keys, values, inclusive);
  if (rowValue) return rowValue;
  const alternatives: SqlFragment[] = [];
  const prefix: SqlFragment[] = [];
  keys.forEach((key, index) => {
    const value = values[index] as KeyValue;
    const after = comesAfter(key, value);
    if (after) alternatives.push(joinFragments([...prefix, after], ' AND '));
    prefix.push(equals(key, value));
  });
  if (inclusive) alternatives.push(joinFragments(prefix, ' AND '));
  if (alternatives.length === 0) return ['1 = 0'];
  const expansion: SqlFragment = [
    '(',
    ...joinFragments(
      alternatives.map((alternative) => ['(', ...alternative, ')']),
      ' OR ',
    ),
    ')',
  ];
  const first = keys[0] as SortKey;
  const firstValue = values[0] as KeyValue;
  if (first.nullable || firstValue === null) return expansion;
  return [`${first.expression} ${first.direction === 'asc' ? '>=' : '<='} `, { value: firstValue, type: first.type }, ' AND ', ...expansion];
}

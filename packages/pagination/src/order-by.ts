import type { Dialect, OrderTerm } from '@sluice/db';
import type { SortKey } from './ordering.ts';

/**
 * ORDER BY terms that put NULLs after every value ascending (before them descending) on every
 * dialect, the rule every cursor condition follows too.
 */
export function orderByTerms(keys: readonly SortKey[], dialect: Dialect): OrderTerm[] {
  return keys.flatMap((key) => dialect.orderBy(key.expression, key.direction, key.nullable));
}

import type { SortKey } from './ordering.ts';
import type { SqlDialect } from './sql-fragment.ts';

/** One ORDER BY term, ready for an adapter to render. */
export interface OrderTerm {
  expression: string;
  direction: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/**
 * ORDER BY terms that put NULLs after every value ascending (before them descending) on every
 * dialect. PostgreSQL does so natively; SQLite gets explicit NULLS LAST/FIRST; MariaDB, which has no
 * such clause, sorts on `expr IS NULL` first.
 */
export function orderByTerms(keys: readonly SortKey[], dialect: SqlDialect): OrderTerm[] {
  return keys.flatMap((key): OrderTerm[] => {
    const { expression, direction } = key;
    if (!key.nullable || dialect === 'postgresql') return [{ expression, direction }];
    if (dialect === 'sqlite') return [{ expression, direction, nulls: direction === 'asc' ? 'last' : 'first' }];
    return [
      { expression: `(${expression} IS NULL)`, direction },
      { expression, direction },
    ];
  });
}

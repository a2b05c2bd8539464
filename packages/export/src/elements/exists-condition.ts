import type { AnyQueryBuilder } from './export-context.ts';

/** A condition of an EXISTS subquery: trusted SQL with `?` placeholders and its values. */
export interface SubqueryCondition {
  sql: string;
  params?: unknown[];
}

/**
 * Filters on a to-many relation with `EXISTS (SELECT 1 FROM table alias WHERE correlation AND ...)`.
 * A JOIN would repeat the row once per match and break COUNT and AVG; EXISTS keeps one row.
 */
export function whereExists(qb: AnyQueryBuilder, from: string, correlation: string, conditions: readonly SubqueryCondition[] = []): void {
  const where = [correlation, ...conditions.map((condition) => `(${condition.sql})`)].join(' and ');
  qb.andWhere(
    `exists (select 1 from ${from} where ${where})`,
    conditions.flatMap((condition) => condition.params ?? []),
  );
}

/**
 * `@sluice/db`: one `Dialect` object per database sluice supports, and raw driver values read alike on
 * all of them. Packages ask their dialect instead of branching on a database's name.
 *
 * @example
 * ```ts
 * const dialect = dialectNamed('mariadb');
 * await run(`select id from ${dialect.quote('order')} where id in (${placeholders(ids.length)})${dialect.forUpdate}`, ids);
 * ```
 * @packageDocumentation
 */
export type { CommitCounter, CounterStore, Dialect, DialectName, JsonColumn, OrderTerm } from './dialect.ts';
export { dialectNames } from './dialect.ts';
export { dialectNamed, dialectOfUrl, isDialectName } from './dialects/dialects.ts';
export { nextTurn } from './next-turn.ts';
export { rawBoolean, rawDay, rawInstant, rawIsoInstant, rawKey, rawNumber } from './raw-values.ts';
export { chunks, placeholders, type SqlRun } from './sql-run.ts';

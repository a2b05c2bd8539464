/**
 * `@sluice/db/mikro-orm`: the dialect of an EntityManager, a statement runner in its transaction, and
 * `FlushCapture`, the flush lifecycle history and sync build on.
 *
 * @example
 * ```ts
 * const dialect = dialectOf(em);
 * const rows = await sqlRunner(em)(`select ${dialect.bigintText('id')} as id from big_table limit 10`);
 * ```
 * @packageDocumentation
 */
export { dialectOf } from './mikro-orm/dialect-of.ts';
export { entityKey, entityKeyText } from './mikro-orm/entity-key.ts';
export { FlushCapture, type FlushContext, type StoreTime } from './mikro-orm/flush-capture.ts';
export { type Pivot, pivotOf, readPivot } from './mikro-orm/pivot-reader.ts';
export { sqlRunner } from './mikro-orm/sql-runner.ts';

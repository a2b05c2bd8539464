/**
 * `@sluice/pagination`: cursor (keyset) and offset pages over MikroORM and Kysely queries that never skip
 * or repeat a row, and iterators that resume from a checkpoint.
 *
 * @example
 * ```ts
 * const people = paginateQueryBuilder(em, em.createQueryBuilder(Person, 'p'), { orderings: { name: { expression: 'p.last_name', type: 'string' } } });
 * const page = await people.paginate({ limit: 50, orderBy: [{ name: 'name' }] }); // page.nextCursor for the next one
 * ```
 * @packageDocumentation
 */
export type { Checkpoint, ItemTransformer, IterateOptions, PaginationOptions } from './configured-query.ts';
export { ConfiguredQuery } from './configured-query.ts';
export type { Cursor, KeyValue } from './cursor-codec.ts';
export { iterateAndFlush } from './iterate-and-flush.ts';
export { KyselyQueryAdapter, paginateKysely } from './kysely-adapter.ts';
export {
  type KeyedQueryBuilder,
  type MikroOrmAdapterOptions,
  type MikroOrmPaginationOptions,
  MikroOrmQueryAdapter,
  paginateQueryBuilder,
} from './mikro-orm-adapter.ts';
export type { Direction, KeyType, OrderingDefinition, OrderingRequest, TiebreakerDefinition } from './ordering.ts';
export type { Page, Pager } from './page.ts';
export { type PagerQuery, type PagerQueryOptions, pageResponseSchema, pagerQuerySchema, parseOrderBy, parsePagerQuery, toPager } from './pager-schema.ts';
export { PaginationError, paginationErrorCodes } from './pagination-error.ts';
export type { FetchedRow, PagePlan, QueryAdapter } from './query-adapter.ts';
export type { SqlFragment } from './sql-fragment.ts';

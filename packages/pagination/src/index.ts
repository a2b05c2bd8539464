export type { Checkpoint, ItemTransformer, IterateOptions, PaginationOptions } from './configured-query.ts';
export { ConfiguredQuery } from './configured-query.ts';
export type { Cursor, KeyValue } from './cursor-codec.ts';
export { iterateAndFlush } from './iterate-and-flush.ts';
export { KyselyQueryAdapter, paginateKysely } from './kysely-adapter.ts';
export {
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

import type { EntityManager, QueryBuilder } from '@mikro-orm/sql';
import type { SqlDialect } from '@sluice/pagination';

/** Who runs an export. The application decides what its roles mean per center. */
export interface ExportUser {
  id: number;
  username: string;
  /** Centers the user may use at all. */
  centerIds: readonly number[];
  /** Whether the user holds `role` in `centerId`. */
  hasRole(role: string, centerId: number): boolean;
  /** Administrators see every export task and error stacks. */
  isAdmin?: boolean;
}

/** Everything an element sees while building the query. */
export interface ExportContext {
  em: EntityManager;
  user: ExportUser;
  /** The chosen centers, all checked: rows must be limited to them. */
  centers: readonly number[];
  dialect: SqlDialect;
}

/** Any MikroORM QueryBuilder, whatever its entity and alias. */
// biome-ignore lint/suspicious/noExplicitAny: elements work on builders of any entity
export type AnyQueryBuilder = QueryBuilder<any, any, any, any, any, any, any>;

import type { EntityManager, QueryBuilder } from '@mikro-orm/sql';
import type { Dialect } from '@sluice/db';
import type { Translate } from './translation.ts';

/**
 * Who runs an export. Rows are partitioned into scopes (a center, a tenant, a region: the application's
 * choice, as in history and sync); the application decides what its roles mean per scope.
 */
export interface ExportUser {
  id: number;
  username: string;
  /** Scopes the user may use at all. */
  scopes: readonly string[];
  /** Whether the user holds `role` in `scope`. */
  hasRole(role: string, scope: string): boolean;
  /** Administrators see every export task and error stacks. */
  isAdmin?: boolean;
  /**
   * The user's language, when the application knows it: what runs on their behalf without them (a
   * saved export's scheduled run for a recipient) is written in it.
   */
  locale?: string;
  /** Where e-mail deliveries of the user's tasks go when they name no address. */
  email?: string | null;
}

/** Everything an element sees while building the query. */
export interface ExportContext {
  em: EntityManager;
  user: ExportUser;
  /** The chosen scopes, all checked: rows must be limited to them. */
  scopes: readonly string[];
  /** What differs between databases: portable SQL for dates, division, quoting (see `@sluice/db`). */
  dialect: Dialect;
  /** The reader's language, e.g. for `Intl` formats of labels. */
  locale: string;
  /** Texts in the reader's language (see {@link ExportTranslator}). */
  t: Translate;
}

/** Any MikroORM QueryBuilder, whatever its entity and alias. */
// biome-ignore lint/suspicious/noExplicitAny: elements work on builders of any entity
export type AnyQueryBuilder = QueryBuilder<any, any, any, any, any, any, any>;

import {
  type ConnectionType,
  type EntityData,
  type EntityMetadata,
  type EntityName,
  type LoggingOptions,
  type MetadataStorage,
  raw,
  type Transaction,
} from '@mikro-orm/core';
import type { EntityManager, QueryBuilder } from '@mikro-orm/sql';
import type { Dialect, OrderTerm } from '@sluice/db';
import { dialectOf } from '@sluice/db/mikro-orm';

/**
 * Any MikroORM QueryBuilder of `Entity`, whatever its alias, joins and selection. Its full generic
 * type varies with every call made on it, so the adapter accepts it structurally.
 */
export type AnyQueryBuilder<Entity extends object> = Pick<QueryBuilder<Entity>, 'alias' | 'mainAlias'> & { clone(): unknown };

import { ConfiguredQuery, type PaginationOptions } from './configured-query.ts';
import { orderByTerms } from './order-by.ts';
import type { TiebreakerDefinition } from './ordering.ts';
import { type PageParts, PageStatements, type Statement } from './page-statements.ts';
import { type FetchedRow, keyAlias, type PagePlan, type QueryAdapter, splitKeyColumns } from './query-adapter.ts';
import { keyReadExpression, toPlaceholders } from './sql-fragment.ts';

/** Page statements of every MikroORM adapter: adapters live for one request, statements for the process. */
const statements = new PageStatements();

/**
 * A base query named by a key that determines its whole SQL and every value it binds (e.g. the
 * caller's center ids): pages of the same key and ORM reuse what the first compiled, so `build` runs
 * only when a page needs the builder itself (a page shape not compiled yet, a count, a query the
 * compiled path does not serve). Building and compiling the base query through MikroORM took a tenth
 * of a 50-row page's CPU over HTTP (bench/http-routes.bench.ts).
 *
 * @example
 * ```ts
 * const base = { key: `people:${centerIds.join(',')}`, build: () => em.createQueryBuilder(Person, 'p').where({ center: { $in: centerIds } }) };
 * const people = paginateQueryBuilder(em, base, { orderings });
 * ```
 */
export interface KeyedQueryBuilder<Entity extends object> {
  key: string;
  build: () => AnyQueryBuilder<Entity>;
}

/** What pages read of their base query besides the builder itself. */
interface BaseQuery {
  /** Compiled when a page first needs it. */
  statement?: Statement;
  meta: EntityMetadata | undefined;
  entityName: EntityName;
  alias: string;
  /** No result cache and no joined relations: the builder would only run the statement and map the root entity. */
  plain: boolean;
  connectionType?: ConnectionType;
  loggerContext?: Record<string, unknown>;
}

/** Keyed base queries per ORM (its metadata), the oldest dropped past 1,000 keys. */
const keyedBases = new WeakMap<MetadataStorage, Map<string, BaseQuery>>();
const keyedCapacity = 1_000;

/**
 * What {@link QueryBuilder.execute} hands the connection besides the statement (MikroORM 7 keeps these
 * protected): a cached page statement runs with exactly the same.
 */
interface BuilderExecution {
  connectionType?: ConnectionType;
  loggerContext?: Record<string, unknown>;
}

/** How the MikroORM adapter reads rows. */
export interface MikroOrmAdapterOptions {
  /**
   * How rows come back: managed entities in the EntityManager (`true`, the default); `'plain'` objects
   * keyed by property names with values converted as entities hold them (dates, numbers; a relation is
   * its key), for read-only pages: no entity, unit-of-work or snapshot cost; `false` raw database rows.
   */
  hydrate?: boolean | 'plain';
  /**
   * For walks over a whole result in primary-key order (exports): read the root table by its primary
   * key where the dialect needs telling ({@link Dialect.keyOrderWalk}). MariaDB may otherwise start the
   * join at a small lookup table and sort everything for every page (measured: 990 ms per 5,000-row
   * page of activities joined to their type, 15 ms with the hint, 55 s -> 1.2 s for 511,000 rows).
   * Only with `hydrate: false`; not for selective page queries, which other indexes serve.
   */
  walkPrimaryKey?: boolean;
}

/** Options of {@link paginateQueryBuilder}; the tiebreaker defaults to the root entity's primary key. */
export type MikroOrmPaginationOptions = Omit<PaginationOptions, 'tiebreaker'> & { tiebreaker?: TiebreakerDefinition };

function orderMap(term: OrderTerm): Record<string, string> {
  const nulls = term.nulls ? ` nulls ${term.nulls}` : '';
  return { [raw(term.expression) as unknown as string]: `${term.direction}${nulls}` };
}

/**
 * Pages a MikroORM QueryBuilder. Rows are read raw, so sort keys keep the database's precision
 * (PostgreSQL microseconds, 64-bit integers), then mapped to entities in `em` unless `hydrate` is false.
 * Cursor values reach SQL through MikroORM's own parameters (`andWhere(sql, params)`), as every
 * MikroORM query does; sluice never writes a value into SQL text.
 */
export class MikroOrmQueryAdapter<Entity extends object> implements QueryAdapter<Entity> {
  readonly dialect: Dialect;
  readonly #em: EntityManager;
  readonly #build: () => QueryBuilder<Entity>;
  readonly #key: string | null;
  #qb: QueryBuilder<Entity> | undefined;
  #base: BaseQuery | undefined;
  readonly #hydrate: boolean | 'plain';
  readonly #walkPrimaryKey: boolean;

  constructor(em: EntityManager, qb: AnyQueryBuilder<Entity> | KeyedQueryBuilder<Entity>, options: MikroOrmAdapterOptions = {}) {
    this.#em = em;
    if ('key' in qb && 'build' in qb) {
      this.#key = qb.key;
      this.#build = qb.build as () => QueryBuilder<Entity>;
    } else {
      this.#key = null;
      this.#qb = qb as QueryBuilder<Entity>;
      this.#build = () => qb as QueryBuilder<Entity>;
    }
    this.#hydrate = options.hydrate ?? true;
    this.#walkPrimaryKey = (options.walkPrimaryKey ?? false) && this.#hydrate === false;
    this.dialect = dialectOf(em);
  }

  /** The base query's builder, built on first use. */
  #builder(): QueryBuilder<Entity> {
    this.#qb ??= this.#build();
    return this.#qb;
  }

  /** The base query's shape (and statement once compiled): a keyed one's from the first page of its key, else this builder's. */
  #baseQuery(): BaseQuery {
    this.#base ??= this.#key === null ? describeBase(this.#em, this.#builder()) : this.#keyedBase(this.#key);
    return this.#base;
  }

  #keyedBase(key: string): BaseQuery {
    const metadata = this.#em.getMetadata();
    let bases = keyedBases.get(metadata);
    if (!bases) {
      bases = new Map();
      keyedBases.set(metadata, bases);
    }
    let base = bases.get(key);
    if (!base) {
      base = describeBase(this.#em, this.#builder());
      if (bases.size >= keyedCapacity) bases.delete(bases.keys().next().value as string);
      bases.set(key, base);
    }
    return base;
  }

  /** The root entity's first primary key column as a tiebreaker, if it has a primary key. */
  primaryKeyTiebreaker(): TiebreakerDefinition | undefined {
    const { meta, alias } = this.#baseQuery();
    const pk = meta?.primaryKeys[0];
    const pkProperty = pk ? meta.properties[pk] : undefined;
    if (!pk || !pkProperty) return undefined;
    const type = pkProperty.type === 'bigint' ? 'bigint' : pkProperty.runtimeType === 'number' ? 'integer' : 'string';
    return { name: pk, expression: `${alias}.${pkProperty.fieldNames[0]}`, type };
  }

  /** `alias.column` of the root entity's single-column primary key, if it has one. */
  #primaryKeyExpression(): string | null {
    const qb = this.#builder();
    const meta = this.#em.getMetadata().find(qb.mainAlias.entityName as EntityName<Entity>);
    const [key, more] = meta?.primaryKeys ?? [];
    const column = key === undefined || more !== undefined ? undefined : meta?.properties[key]?.fieldNames?.[0];
    return column ? `${qb.alias}.${column}` : null;
  }

  async fetch(plan: PagePlan): Promise<FetchedRow[]> {
    const walk = this.#walkPrimaryKey ? this.dialect.keyOrderWalk : null;
    if (walk && plan.keys[0]?.expression === this.#primaryKeyExpression()) {
      const qb = this.#pageBuilder(plan, { condition: plan.condition && toPlaceholders(plan.condition, this.dialect), limit: plan.limit, offset: plan.offset });
      if (!qb.state.indexHint) qb.indexHint(walk.indexHint);
      const rows = await this.#em.getConnection().execute<Record<string, unknown>[]>(walk.statement(qb.getFormattedQuery()), [], 'all');
      return rows.map((row) => splitKeyColumns(row, plan.keys));
    }
    const rows = this.#cacheable() ? await this.#executeCompiled(plan) : await this.#executeBuilt(plan);
    return rows.map((row) => splitKeyColumns(row, plan.keys));
  }

  /** The base query with the page's key columns, condition, order and limit: what every page runs. */
  #pageBuilder(plan: PagePlan, parts: PageParts): QueryBuilder<Entity> {
    const qb = this.#builder().clone();
    if (!qb.state.fields) qb.select('*');
    qb.addSelect(plan.keys.map((key, index) => raw(`${keyReadExpression(key.expression, key.type, this.dialect)} as ${keyAlias(index)}`)) as never);
    if (parts.condition) qb.andWhere(parts.condition.sql, [...parts.condition.params]);
    qb.orderBy(orderByTerms(plan.keys, this.dialect).map(orderMap) as never);
    qb.limit(parts.limit, parts.offset > 0 ? parts.offset : undefined);
    return qb;
  }

  async #executeBuilt(plan: PagePlan): Promise<Record<string, unknown>[]> {
    const qb = this.#pageBuilder(plan, { condition: plan.condition && toPlaceholders(plan.condition, this.dialect), limit: plan.limit, offset: plan.offset });
    // Mapped to property names (key columns pass through untouched), so em.map needs no second pass.
    return qb.execute<Record<string, unknown>[]>('all', { mapResults: this.#hydrate !== false });
  }

  /**
   * Whether a page may run as a cached statement (see {@link PageStatements}) instead of through the
   * builder: not when the builder would do more than run it and map the root entity's columns (a
   * result cache, joined relations to merge, a session context to set).
   */
  #cacheable(): boolean {
    return !this.#em.getTransactionSessionContext() && this.#baseQuery().plain;
  }

  /** Runs the page as {@link QueryBuilder.execute} would (same connection, transaction and log context), from a cached statement. */
  async #executeCompiled(plan: PagePlan): Promise<Record<string, unknown>[]> {
    const base = this.#baseQuery();
    base.statement ??= this.#builder().clone().toQuery();
    const { sql, params } = statements.statement(this.dialect, base.statement, plan, (page, parts) => this.#pageBuilder(page, parts).toQuery());
    // The transaction is the EntityManager's (public), as the builder takes it; the rest is optional.
    const context = this.#em.getTransactionContext<Transaction>();
    const { connectionType, loggerContext, meta } = base;
    const abort = (this.#em as unknown as { getAbortOptions(): object | undefined }).getAbortOptions();
    const type = connectionType ?? (this.#em.config.get('preferReadReplicas') ? 'read' : 'write');
    const log = { id: this.#em.id, ...loggerContext, ...abort } as LoggingOptions;
    const rows: Record<string, unknown>[] = await this.#em.getDriver().getConnection(type).execute(sql, params, 'all', context, log);
    if (this.#hydrate === false || !meta) return rows;
    const driver = this.#em.getDriver();
    return rows.map((row) => driver.mapResult(row as EntityData<Entity>, meta) as Record<string, unknown>);
  }

  toItems(rows: Record<string, unknown>[]): Entity[] {
    if (this.#hydrate !== true) return rows as unknown as Entity[];
    const entityName = this.#baseQuery().entityName as EntityName<Entity>;
    return rows.map((row) => this.#em.map(entityName, row as never, { mapped: true }));
  }

  async count(): Promise<number> {
    const qb = this.#builder().clone();
    if (qb.state.groupBy.length === 0) return qb.getCount(undefined, true);
    // A grouped query has one result row per group: count those rows.
    const [row] = await this.#em
      .getConnection()
      .execute<{ total: number | string }[]>(`select count(*) as total from (${qb.getFormattedQuery()}) sluice_groups`);
    return Number(row?.total ?? 0);
  }

  async estimate(): Promise<number | null> {
    const estimate = this.dialect.rowEstimate;
    if (!estimate) return null;
    const [row] = await this.#em.getConnection().execute<Record<string, unknown>[]>(estimate.statement(this.#builder().clone().getFormattedQuery()));
    return estimate.rows(row);
  }
}

/** What pages of a base query read of its builder. */
function describeBase<Entity extends object>(em: EntityManager, qb: QueryBuilder<Entity>): BaseQuery {
  const { state, mainAlias } = qb;
  const meta = mainAlias.meta;
  const plain = !state.cache && (!meta || em.getDriver().joinedProps(meta, state.populate).length === 0);
  const { connectionType, loggerContext } = qb as unknown as BuilderExecution;
  return { meta, entityName: mainAlias.entityName, alias: qb.alias, plain, connectionType, loggerContext };
}

/**
 * A {@link ConfiguredQuery} over a MikroORM QueryBuilder created from `em`, or over a
 * {@link KeyedQueryBuilder} whose statement is compiled once per key.
 *
 * ```ts
 * const people = paginateQueryBuilder(em, em.createQueryBuilder(Person, 'p').where({ center: { $in: ids } }), {
 *   orderings: { lastName: { expression: 'p.last_name', type: 'string' } },
 * });
 * const page = await people.paginate({ limit: 50, orderBy: [{ name: 'lastName' }] });
 * ```
 */
export function paginateQueryBuilder<Entity extends object>(
  em: EntityManager,
  qb: AnyQueryBuilder<Entity> | KeyedQueryBuilder<Entity>,
  options: MikroOrmPaginationOptions,
  adapterOptions: MikroOrmAdapterOptions = {},
): ConfiguredQuery<Entity> {
  const adapter = new MikroOrmQueryAdapter(em, qb, adapterOptions);
  const tiebreaker = options.tiebreaker ?? adapter.primaryKeyTiebreaker();
  if (!tiebreaker) throw new TypeError('paginateQueryBuilder: the query has no single-column primary key; pass options.tiebreaker');
  return new ConfiguredQuery(adapter, { ...options, tiebreaker });
}

import type { Dialect } from '@sluice/db';
import { CompiledQuery, type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { ConfiguredQuery, type PaginationOptions } from './configured-query.ts';
import { orderByTerms } from './order-by.ts';
import { type FetchedRow, keyAlias, type PagePlan, type QueryAdapter, splitKeyColumns } from './query-adapter.ts';
import { keyReadExpression, placeholderParts, type SqlFragment } from './sql-fragment.ts';

// biome-ignore lint/suspicious/noExplicitAny: the adapter works on any database shape
type AnyKysely = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: idem
type AnySelect<Row> = SelectQueryBuilder<any, any, Row>;

function toSql(fragment: SqlFragment, dialect: Dialect): RawBuilder<unknown> {
  return sql.join(
    fragment.map((part) => {
      if (typeof part === 'string') return sql.raw(part);
      const [prefix, suffix] = placeholderParts(part.type, dialect);
      return sql`${sql.raw(prefix)}${part.value}${sql.raw(suffix)}`;
    }),
    sql.raw(''),
  );
}

/**
 * Pages a Kysely `SelectQueryBuilder` through the same core as the MikroORM adapter. Cursor values
 * are bound parameters. For microsecond timestamps on PostgreSQL, have `pg` return timestamps as
 * text (its default Date parser keeps milliseconds only).
 */
export class KyselyQueryAdapter<Row extends object> implements QueryAdapter<Row> {
  readonly dialect: Dialect;
  readonly #db: AnyKysely;
  readonly #qb: AnySelect<Row>;

  constructor(db: AnyKysely, qb: AnySelect<Row>, dialect: Dialect) {
    this.#db = db;
    this.#qb = qb;
    this.dialect = dialect;
  }

  async fetch(plan: PagePlan): Promise<FetchedRow[]> {
    let qb = this.#qb.select(plan.keys.map((key, index) => sql.raw(keyReadExpression(key.expression, key.type, this.dialect)).as(keyAlias(index))));
    if (plan.condition) qb = qb.where(toSql(plan.condition, this.dialect) as never);
    for (const term of orderByTerms(plan.keys, this.dialect)) {
      qb = qb.orderBy(sql.raw(`${term.expression} ${term.direction}${term.nulls ? ` nulls ${term.nulls}` : ''}`));
    }
    qb = qb.limit(plan.limit);
    if (plan.offset > 0) qb = qb.offset(plan.offset);
    const rows = (await qb.execute()) as Record<string, unknown>[];
    return rows.map((row) => splitKeyColumns(row, plan.keys));
  }

  toItems(rows: Record<string, unknown>[]): Row[] {
    return rows as Row[];
  }

  async count(): Promise<number> {
    // Counting the rows of the query itself is right for joins and for GROUP BY alike.
    const result = await sql<{ total: number | string }>`select count(*) as total from (${this.#qb}) as sluice_count`.execute(this.#db);
    return Number(result.rows[0]?.total ?? 0);
  }

  async estimate(): Promise<number | null> {
    const estimate = this.dialect.rowEstimate;
    if (!estimate) return null;
    const query = this.#qb.compile();
    const result = await this.#db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(estimate.statement(query.sql), [...query.parameters]));
    return estimate.rows(result.rows[0]);
  }
}

/**
 * A {@link ConfiguredQuery} over a Kysely select query.
 *
 * ```ts
 * const people = paginateKysely(db, db.selectFrom('person').selectAll(), dialectNamed('postgresql'), {
 *   orderings: { lastName: { expression: 'last_name', type: 'string' } },
 *   tiebreaker: { name: 'id', expression: 'id', type: 'integer' },
 * });
 * ```
 */
export function paginateKysely<Row extends object>(db: AnyKysely, qb: AnySelect<Row>, dialect: Dialect, options: PaginationOptions): ConfiguredQuery<Row> {
  return new ConfiguredQuery(new KyselyQueryAdapter(db, qb, dialect), options);
}

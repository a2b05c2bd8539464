import type { Dialect } from '@sluice/db';
import type { PagePlan } from './query-adapter.ts';
import { toPlaceholders } from './sql-fragment.ts';

/** SQL with `?` placeholders and the values they bind, in order. */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** What a page adds to its base query besides the sort keys: the keyset condition, LIMIT and OFFSET. */
export interface PageParts {
  condition: Statement | null;
  limit: number;
  /** No OFFSET clause when 0. */
  offset: number;
}

/** Builds a page's statement through the query library, as every page was built before the cache. */
export type BuildPage = (plan: PagePlan, parts: PageParts) => Statement;

// Values no real page uses: where they come back in the built statement's parameters shows where a
// page's own values go. A builder that inlined them into its SQL would make the statement uncacheable.
const marker = (index: number) => `\u0000sluice-page-value-${index}`;
const markerLimit = 1_999_999_901;
const markerOffset = 1_999_999_902;

/**
 * Page statements compiled once per base query and page shape (sort keys, the condition's SQL, with or
 * without OFFSET), then reused with the request's values bound. Building a keyset SELECT through a
 * query builder for every request took a fifth of a 50-row page's CPU over HTTP
 * (bench/http-routes.bench.ts); with this cache only the base query is compiled per request.
 *
 * A statement is cached only when the builder's parameters are the base query's followed by the
 * page's own (condition values, limit, offset), checked once with marker values; any other layout
 * (a base with HAVING values, a builder that inlines values) builds every page as before.
 *
 * @example
 * ```ts
 * const statement = statements.statement(dialect, { sql: baseSql, params: baseParams }, plan, (plan, parts) => buildWithQueryBuilder(plan, parts));
 * ```
 */
export class PageStatements {
  readonly #compiled = new Map<string, string | null>();
  readonly #capacity: number;

  /** Keeps at most `capacity` statements; the oldest goes first. */
  constructor(capacity = 1_000) {
    this.#capacity = capacity;
  }

  /** The statement reading `plan` over `base`: the cached SQL with this request's values, or the builder's own. */
  statement(dialect: Dialect, base: Statement, plan: PagePlan, build: BuildPage): Statement {
    const condition = plan.condition ? toPlaceholders(plan.condition, dialect) : null;
    const tail = plan.offset > 0 ? [plan.limit, plan.offset] : [plan.limit];
    const shape = plan.keys.map((key) => `${key.expression} ${key.type} ${key.direction} ${key.nullable}`).join(',');
    const key = `${dialect.name}\u0000${base.sql}\u0000${shape}\u0000${condition?.sql ?? ''}\u0000${tail.length}`;
    let sql = this.#compiled.get(key);
    if (sql === undefined) {
      sql = compile(base, plan, condition, build);
      if (this.#compiled.size >= this.#capacity) this.#compiled.delete(this.#compiled.keys().next().value as string);
      this.#compiled.set(key, sql);
    }
    if (sql === null) return build(plan, { condition, limit: plan.limit, offset: plan.offset });
    return { sql, params: [...base.params, ...(condition?.params ?? []), ...tail] };
  }
}

/** The page's SQL with its values left to bind, or null when the builder does not lay them out after the base's. */
function compile(base: Statement, plan: PagePlan, condition: Statement | null, build: BuildPage): string | null {
  const markers = condition?.params.map((_, index) => marker(index)) ?? [];
  const offset = plan.offset > 0 ? markerOffset : 0;
  const built = build(plan, { condition: condition && { sql: condition.sql, params: markers }, limit: markerLimit, offset });
  const own = [...markers, markerLimit, ...(offset > 0 ? [offset] : [])];
  const laidOut = built.params.length === base.params.length + own.length && own.every((value, index) => built.params[base.params.length + index] === value);
  return laidOut ? built.sql : null;
}

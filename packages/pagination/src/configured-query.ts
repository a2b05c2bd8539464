import { nextTurn } from '@sluice/db';
import { type Cursor, CursorCodec, type KeyValue } from './cursor-codec.ts';
import { keysetCondition, reverseKeys } from './keyset-condition.ts';
import type { OrderingDefinition, OrderingRequest, SortKey, TiebreakerDefinition } from './ordering.ts';
import { resolveSortKeys } from './ordering.ts';
import type { Page, Pager } from './page.ts';
import { PaginationError } from './pagination-error.ts';
import type { FetchedRow, QueryAdapter } from './query-adapter.ts';
import { joinFragments } from './sql-fragment.ts';

/** How a query may be paged. */
export interface PaginationOptions {
  /** Orderings callers may request, by public name. */
  orderings: Readonly<Record<string, OrderingDefinition>>;
  /** Unique key appended to every ordering (the primary key). */
  tiebreaker: TiebreakerDefinition;
  /** Ordering when the pager names none; the tiebreaker alone when omitted. */
  defaultOrdering?: readonly OrderingRequest[];
  /** Largest accepted offset (default 10,000): deep offsets are slow, cursors are not. */
  maxOffset?: number;
  /** Largest accepted limit (default 500). */
  maxLimit?: number;
  /** Signs cursors with HMAC-SHA256 and rejects unsigned or tampered ones. */
  cursorSecret?: string;
}

/** Maps each fetched item to what the page returns; cursors are computed before, so it cannot change them. */
export type ItemTransformer<Item, Output> = (item: Item) => Output | Promise<Output>;

/** Where a walk stands after a page: resume from here with `from`. */
export type Checkpoint = string;

/** Options of {@link ConfiguredQuery.iterate}. */
export interface IterateOptions {
  /** Rows per query (default 1,000). */
  pageSize?: number;
  orderBy?: readonly OrderingRequest[];
  /** A checkpoint reported by an earlier walk: continue right after it. */
  from?: Checkpoint;
  /** Called after every page, once the consumer has taken all its items. */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Runs after every page, before its checkpoint (e.g. flush and clear an EntityManager). */
  afterPage?: () => void | Promise<void>;
  /**
   * Fetches the next page while the consumer works on this one (two pages in memory at most). Only
   * for consumers that do not change the rows or share an EntityManager with the walk, e.g. exports.
   */
  prefetch?: boolean;
}

/**
 * A query with the orderings callers may use. Pages with cursors (keyset) or offsets; walks all rows
 * in bounded memory with {@link iterate}.
 *
 * @example
 * ```ts
 * const page = await query.paginate({ limit: 50, orderBy: [{ name: 'createdAt', direction: 'desc' }], count: true });
 * for await (const person of query.iterate({ pageSize: 1_000, from: savedCheckpoint, onCheckpoint: save })) handle(person);
 * ```
 */
export class ConfiguredQuery<Item, Output = Item> {
  readonly #adapter: QueryAdapter<Item>;
  readonly #options: PaginationOptions;
  readonly #codec: CursorCodec;
  readonly #transform: ItemTransformer<Item, Output>;

  constructor(adapter: QueryAdapter<Item>, options: PaginationOptions, transform?: ItemTransformer<Item, Output>) {
    this.#adapter = adapter;
    this.#options = options;
    this.#codec = new CursorCodec(options.cursorSecret);
    this.#transform = transform ?? ((item) => item as unknown as Output);
  }

  /** The same query with an item transformer. */
  withTransformer<Next>(transform: ItemTransformer<Item, Next>): ConfiguredQuery<Item, Next> {
    return new ConfiguredQuery(this.#adapter, this.#options, transform);
  }

  /** Public names callers may order by (the tiebreaker included). */
  get orderingNames(): string[] {
    return [...Object.keys(this.#options.orderings), this.#options.tiebreaker.name];
  }

  /** Counts every row of the query (what `paginate({ count: true })` reports as `total`). */
  count(): Promise<number> {
    return this.#adapter.count();
  }

  /**
   * A total for progress that never costs a full count of a large result: PostgreSQL's planner estimate
   * when it is at least `exactBelow` rows (counting a million-row join took 0.13 s of CPU that the export
   * itself needed, on 2 cores), else an exact count. `exact` says which.
   * @example const { rows, exact } = await people.total(); // { rows: 1_000_000, exact: false }
   */
  async total(options: { exactBelow?: number } = {}): Promise<{ rows: number; exact: boolean }> {
    const estimate = await this.#adapter.estimate();
    if (estimate !== null && estimate >= (options.exactBelow ?? 100_000)) return { rows: Math.round(estimate), exact: false };
    return { rows: await this.#adapter.count(), exact: true };
  }

  /** Fetches one page. Every check on the pager and its cursor happens before any SQL runs. */
  async paginate(pager: Pager): Promise<Page<Output>> {
    const keys = this.#keys(pager.orderBy);
    this.#validate(pager);
    const countPromise = pager.count ? this.#adapter.count() : undefined;
    const decode = (token: string): Cursor => {
      const cursor = this.#codec.decode(keys, token);
      return pager.inclusive ? { ...cursor, inclusive: true } : cursor;
    };
    const page =
      pager.before !== undefined
        ? await this.#pageBefore(keys, decode(pager.before), pager.limit)
        : pager.after !== undefined
          ? await this.#pageAfter(keys, decode(pager.after), pager.limit)
          : await this.#pageAtOffset(keys, pager.offset ?? 0, pager.limit);
    const items = await this.#transformAll(page.rows);
    const result: Page<Output> = {
      items,
      nextCursor: page.nextCursor,
      previousCursor: page.previousCursor,
      hasNext: page.hasNext,
      hasPrevious: page.hasPrevious,
    };
    if (countPromise) result.totalCount = await countPromise;
    return result;
  }

  /**
   * Yields every row in order, `pageSize` rows per query, reporting a checkpoint after each page.
   * Positions come from the key values read when a page was fetched, and the walk stops at the row
   * that was last when it started: an item whose sort key the consumer changes is neither followed
   * nor met again beyond that bound (e.g. `updatedAt = now()` cannot make the walk loop).
   */
  async *iterate(options: IterateOptions = {}): AsyncGenerator<Output, void, undefined> {
    for await (const page of this.iteratePages(options)) yield* page;
  }

  /**
   * {@link iterate} a page at a time: one await per page instead of per row, for consumers that
   * handle rows in batches. The checkpoint of a page is reported when the consumer asks for the next.
   */
  async *iteratePages(options: IterateOptions = {}): AsyncGenerator<Output[], void, undefined> {
    const keys = this.#keys(options.orderBy);
    const pageSize = options.pageSize ?? 1_000;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw PaginationError.invalidPager('pageSize must be a positive integer');
    let cursor = options.from === undefined ? null : this.#codec.decode(keys, options.from);
    const backwards = reverseKeys(keys);
    const [last] = await this.#adapter.fetch({ keys: backwards, condition: null, limit: 1, offset: 0 });
    if (!last) return;
    const bound = keysetCondition(backwards, last.keyValues, true);
    const fetchAfter = (position: Cursor | null) => {
      const condition = position ? joinFragments([bound, keysetCondition(keys, position.values, position.inclusive)], ' AND ') : bound;
      const fetching = this.#adapter.fetch({ keys, condition, limit: pageSize, offset: 0 });
      // A prefetched page the consumer never reaches (it stopped early) must not become an unhandled rejection.
      fetching.catch(() => {});
      return fetching;
    };
    let next = fetchAfter(cursor);
    for (;;) {
      const rows = await next;
      const lastRow = rows.at(-1);
      const full = rows.length === pageSize;
      const after: Cursor | null = lastRow ? { values: lastRow.keyValues, inclusive: false } : cursor;
      if (options.prefetch && full) next = fetchAfter(after);
      if (rows.length > 0) yield await this.#transformAll(rows);
      if (lastRow) {
        cursor = after;
        await options.afterPage?.();
        await options.onCheckpoint?.(this.#codec.encode(keys, after as Cursor));
      }
      if (!full) return;
      // Over a synchronous driver (better-sqlite3) a walk never waits for I/O: without a turn between
      // pages it would hold the event loop (every other request) for its whole length.
      await nextTurn();
      if (!options.prefetch) next = fetchAfter(cursor);
    }
  }

  async #transformAll(rows: FetchedRow[]): Promise<Output[]> {
    const results = this.#adapter.toItems(rows.map((fetched) => fetched.row)).map((item) => this.#transform(item));
    // Synchronous transformers (the common case) skip a promise per item.
    return results.some((result) => result instanceof Promise) ? Promise.all(results) : (results as Output[]);
  }

  #keys(orderBy: readonly OrderingRequest[] | undefined): SortKey[] {
    return resolveSortKeys(orderBy ?? [], this.#options.orderings, this.#options.tiebreaker, this.#options.defaultOrdering ?? []);
  }

  #validate(pager: Pager): void {
    const maxLimit = this.#options.maxLimit ?? 500;
    if (!Number.isSafeInteger(pager.limit) || pager.limit < 0 || pager.limit > maxLimit) {
      throw PaginationError.invalidPager(`limit must be an integer from 0 to ${maxLimit}`);
    }
    const positions = [pager.after, pager.before, pager.offset].filter((value) => value !== undefined).length;
    if (positions > 1) throw PaginationError.invalidPager('use only one of after, before and offset');
    if (pager.offset !== undefined) {
      if (!Number.isSafeInteger(pager.offset) || pager.offset < 0) throw PaginationError.invalidPager('offset must be a non-negative integer');
      const maxOffset = this.#options.maxOffset ?? 10_000;
      if (pager.offset > maxOffset) throw PaginationError.offsetTooLarge(pager.offset, maxOffset);
    }
  }

  #encode(keys: SortKey[], row: FetchedRow | undefined, inclusive: boolean): string | null {
    return row ? this.#codec.encode(keys, { values: row.keyValues, inclusive }) : null;
  }

  async #exists(keys: SortKey[], cursor: Cursor): Promise<boolean> {
    return (await this.#adapter.fetch({ keys, condition: keysetCondition(keys, cursor.values, cursor.inclusive), limit: 1, offset: 0 })).length > 0;
  }

  /**
   * Rows next to `cursor` in the direction of `keys`. Reads the cursor's own row as well: when it
   * still exists it proves that a row lies on the other side, which saves the existence query.
   */
  async #pageFrom(keys: SortKey[], cursor: Cursor, limit: number): Promise<{ rows: FetchedRow[]; more: boolean; behind: boolean }> {
    const withCursorRow = !cursor.inclusive;
    const fetched = await this.#adapter.fetch({
      keys,
      condition: keysetCondition(keys, cursor.values, true),
      limit: limit + (withCursorRow ? 2 : 1),
      offset: 0,
    });
    const first = fetched[0];
    if (withCursorRow && first && sameValues(first.keyValues, cursor.values)) {
      return { rows: fetched.slice(1, limit + 1), more: fetched.length > limit + 1, behind: true };
    }
    const behind = await this.#exists(reverseKeys(keys), { values: cursor.values, inclusive: false });
    return { rows: fetched.slice(0, limit), more: fetched.length > limit, behind };
  }

  async #pageAfter(keys: SortKey[], cursor: Cursor, limit: number): Promise<RawPage> {
    const { rows, more, behind } = await this.#pageFrom(keys, cursor, limit);
    return {
      rows,
      hasNext: more,
      hasPrevious: behind,
      nextCursor: this.#encode(keys, rows.at(-1), false) ?? this.#codec.encode(keys, cursor),
      previousCursor: this.#encode(keys, rows[0], false) ?? (behind ? this.#codec.encode(keys, { values: cursor.values, inclusive: !cursor.inclusive }) : null),
    };
  }

  async #pageBefore(keys: SortKey[], cursor: Cursor, limit: number): Promise<RawPage> {
    const backwards = reverseKeys(keys);
    const { rows: reversed, more, behind } = await this.#pageFrom(backwards, cursor, limit);
    const rows = reversed.reverse();
    return {
      rows,
      hasNext: behind,
      hasPrevious: more,
      nextCursor: this.#encode(keys, rows.at(-1), false) ?? (behind ? this.#codec.encode(keys, { values: cursor.values, inclusive: !cursor.inclusive }) : null),
      previousCursor: this.#encode(keys, rows[0], false) ?? this.#codec.encode(keys, cursor),
    };
  }

  async #pageAtOffset(keys: SortKey[], offset: number, limit: number): Promise<RawPage> {
    if (offset === 0) {
      const fetched = await this.#adapter.fetch({ keys, condition: null, limit: limit + 1, offset: 0 });
      const rows = fetched.slice(0, limit);
      return {
        rows,
        hasNext: fetched.length > limit,
        hasPrevious: false,
        nextCursor: this.#encode(keys, rows.at(-1), false),
        previousCursor: this.#encode(keys, rows[0], false),
      };
    }
    // Fetch the row just before the page too: it proves a previous page exists and anchors cursors of an empty page.
    const fetched = await this.#adapter.fetch({ keys, condition: null, limit: limit + 2, offset: offset - 1 });
    const anchor = fetched[0] ?? (await this.#adapter.fetch({ keys: reverseKeys(keys), condition: null, limit: 1, offset: 0 }))[0];
    const rows = fetched.slice(1, limit + 1);
    return {
      rows,
      hasNext: fetched.length > limit + 1,
      hasPrevious: anchor !== undefined,
      nextCursor: this.#encode(keys, rows.at(-1) ?? anchor, false),
      previousCursor: rows.length > 0 ? this.#encode(keys, rows[0], false) : this.#encode(keys, anchor, true),
    };
  }
}

function sameValues(a: readonly KeyValue[], b: readonly KeyValue[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

interface RawPage {
  rows: FetchedRow[];
  hasNext: boolean;
  hasPrevious: boolean;
  nextCursor: string | null;
  previousCursor: string | null;
}

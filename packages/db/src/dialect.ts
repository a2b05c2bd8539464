import type { SqlRun } from './sql-run.ts';

/** The databases sluice supports, one name each everywhere (tests, configuration, code). */
export const dialectNames = ['sqlite', 'postgresql', 'mariadb'] as const;

/** One supported database. */
export type DialectName = (typeof dialectNames)[number];

/** One ORDER BY term, ready to render. */
export interface OrderTerm {
  expression: string;
  direction: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** A column of rows read from one JSON parameter (see {@link Dialect.jsonRows}). */
export interface JsonColumn {
  /** The key in each JSON object, and the column's name in the source. */
  name: string;
  /** `text` values are scalars read as text; `json` values stay JSON (objects, arrays). */
  type: 'text' | 'json';
  /** Longest text MariaDB must hold (its JSON_TABLE needs a size; default 255). */
  length?: number;
}

/** Where a commit-order counter keeps its state (see {@link CommitCounter}). */
export interface CounterStore {
  /** Table of the counter row and its integer column, and the row's id. */
  table: string;
  column: string;
  rowId: number;
  /** PostgreSQL: the sequence numbers are drawn from. */
  sequence: string;
}

/**
 * Numbers handed out in commit order: a reader's watermark never passes a number a writer may still
 * commit. What makes sync never miss a change committed late; each dialect's reasoning is in its file.
 */
export interface CommitCounter {
  /** Creates what the counter needs when missing, starting above `floor()`; safe when callers race. */
  ensure(run: SqlRun, store: CounterStore, floor: () => Promise<number>): Promise<void>;
  /** Whether {@link CommitCounter.ensure} has run on this database (a plain read, no lock). */
  ready(run: SqlRun, store: CounterStore): Promise<boolean>;
  /** The writer's number: call it in the writer's transaction as the last thing before COMMIT. */
  next(run: SqlRun, store: CounterStore): Promise<number>;
  /** Every number below it is committed or rolled back, and none will appear there later. */
  watermark(run: SqlRun, store: CounterStore): Promise<number>;
}

/**
 * Everything that differs between the databases sluice supports, in one object per database: SQL
 * syntax, how values travel, locks and the commit-order counter. Packages hold no `if dialect` of
 * their own; they ask the dialect. Get one with `dialectOf(em)` (`@sluice/db/mikro-orm`) or
 * {@link dialectNamed}.
 *
 * @example
 * ```ts
 * const dialect = dialectNamed('mariadb');
 * dialect.quote('order');                      // `order`
 * dialect.yearsBetween('p.birthdate', "'2025-01-01'");
 * await run(`select 1 from ${dialect.quote('person')} where id = ?${dialect.forUpdate}`, [7]);
 * ```
 */
export interface Dialect {
  readonly name: DialectName;
  /**
   * A database file inside the application's process (SQLite): one writer at a time, no row locks,
   * no isolation levels, no server other processes share.
   */
  readonly embedded: boolean;

  /** Quotes an identifier. */
  quote(identifier: string): string;
  /** A 64-bit integer expression read as text (so no driver turns it into a double), comparable with a text column. */
  bigintText(expression: string): string;
  /** A bound 64-bit integer sent as text (`?`), compared as an integer, not as a double. */
  bigintParameter(placeholder: string): string;
  /** An expression cast to a 64-bit integer. */
  integer(expression: string): string;
  /** ORDER BY terms that put NULLs after every value ascending and before them descending. */
  orderBy(expression: string, direction: 'asc' | 'desc', nullable: boolean): OrderTerm[];
  /** `FOR UPDATE` to append to a SELECT whose rows the transaction must hold (empty where locks are implicit). */
  readonly forUpdate: string;
  /** An INSERT that skips rows whose key exists: `insertIgnore('t (a, b)', 'values (?, ?)')`. */
  insertIgnore(into: string, rows: string): string;
  /**
   * A FROM-clause source (aliased `x`) of the rows in one JSON array parameter (`?`) of objects:
   * thousands of rows in one statement with one parameter, which the database unpacks itself.
   */
  jsonRows(columns: readonly JsonColumn[]): string;
  /**
   * A statement written with `?` placeholders as the driver binds it (`$1`, `$2`… on PostgreSQL). Every
   * `?` is a placeholder, as MikroORM reads them too.
   */
  bound(sql: string): string;
  /** The value a date-time column takes as a parameter, as MikroORM stores it on this database. */
  timestamp(date: Date): Date | number | string;
  /** Transaction options for `isolation`, where the database has isolation levels (empty otherwise). */
  isolation<Level>(level: Level): { isolationLevel?: Level };
  /** Refreshes planner statistics of `tables`. */
  analyze(tables: readonly string[]): string;
  /** Moves a serial column's sequence past rows inserted with explicit ids; null where the database does it itself. */
  syncSerial(table: string, column: string): string | null;
  /**
   * The planner's row estimate of a query, where it costs a plan and not a count (PostgreSQL's
   * EXPLAIN); null elsewhere.
   */
  readonly rowEstimate: { statement(sql: string): string; rows(result: Record<string, unknown> | undefined): number | null } | null;
  /**
   * How to walk a table in primary-key order where the planner may pick another order (MariaDB starts
   * joins at small lookup tables and sorts every page); null where the plan is already right.
   */
  readonly keyOrderWalk: { indexHint: string; statement(sql: string): string } | null;
  /** Whether the database writes CSV itself (PostgreSQL's COPY). */
  readonly copyCsv: boolean;
  /**
   * Takes a lock named `name` until the returned release (or, at the latest, the end of `run`'s
   * transaction); null where only one process writes (SQLite).
   */
  readonly namedLock: ((run: SqlRun, name: string) => Promise<() => Promise<void>>) | null;
  /** The commit-order counter. */
  readonly commitCounter: CommitCounter;

  /** Whole years from date `from` to date `to`. */
  yearsBetween(from: string, to: string): string;
  /** Integer division of a non-negative integer expression. */
  integerDivide(value: string, divisor: number): string;
  /** A date's calendar period as text: `2025`, `2025-03` or the ISO week `2025-W09`. */
  period(date: string, granularity: 'year' | 'month' | 'week'): string;
}

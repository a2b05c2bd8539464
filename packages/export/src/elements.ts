import type { Writable } from 'node:stream';
import type { EntityManager, QueryBuilder } from '@mikro-orm/sql';
import type { SqlDialect } from '@sluice/pagination';
import type { z } from 'zod';
import type { ColumnType } from './column-type.ts';
import type { ExportResult, ListResult } from './export-result.ts';

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

/** What every element has: a stable alias, texts, a validated parameter schema and a sentence. */
export interface ElementBase<Params> {
  /** Stable, part of the public contract (requests name it). */
  alias: string;
  title: string;
  description: string;
  /** zod object schema; cross-field checks via refinements. Published as JSON Schema for forms. */
  params: z.ZodType<Params>;
  /** "Filtered by birthdate between 01-01-1980 and 31-12-1999". */
  describe(params: Params): string;
}

/** A column of a result. */
export interface ResultColumn {
  key: string;
  label: string;
  /** `text` when omitted. Values are normalised to it per dialect before any formatter sees them. */
  type?: ColumnType;
}

/** A selected SQL expression under a result key. Expressions are trusted code, never user input. */
export interface SelectedExpression extends ResultColumn {
  expression: string;
}

/** What a report is about and what it computes. */
export interface ExportDefinition<Params = unknown> extends ElementBase<Params> {
  /** What the rows are, e.g. `person`; filters and aggregators declare the type they apply on. */
  type: string;
  /** `tabular`: computed values per group; `list`: one row per record. */
  kind: 'tabular' | 'list';
  /** Role needed in every chosen center (filters and aggregators inherit it). */
  requiredRole: string;
  /** Types of filters and aggregators this export accepts, e.g. `['activity', 'person']`. */
  accepts: readonly string[];
  /** The base query, already limited to `ctx.centers`. Alias is the export's choice. */
  initiateQuery(ctx: ExportContext, params: Params): AnyQueryBuilder;
  /** Tabular: computed values (e.g. `count(distinct p.id)`). List: the columns. */
  columns(params: Params, ctx: ExportContext): SelectedExpression[];
  /** List exports walk rows by this unique key (keyset, never OFFSET). */
  rowKey?: { expression: string; type: 'integer' | 'bigint' | 'string' };
}

/** Narrows the rows: adds WHERE conditions only (use `existsCondition` for to-many relations). */
export interface FilterDefinition<Params = unknown> extends ElementBase<Params> {
  applyOn: string;
  /** Defaults to the export's role. */
  requiredRole?: string;
  apply(qb: AnyQueryBuilder, params: Params, ctx: ExportContext): void;
}

/** Groups the rows: adds GROUP BY keys, each with labels resolved in one batch. */
export interface AggregatorDefinition<Params = unknown> extends ElementBase<Params> {
  applyOn: string;
  requiredRole?: string;
  /** The grouping keys it adds (joins it needs go in `prepare`). */
  keys(params: Params, ctx: ExportContext): SelectedExpression[];
  prepare?(qb: AnyQueryBuilder, params: Params, ctx: ExportContext): void;
  /** Labels of all distinct values of `key` (NULL included) at once; the header label is the key's label. */
  labels(key: string, values: readonly unknown[], params: Params, ctx: ExportContext): Promise<Map<unknown, string>> | Map<unknown, string>;
}

/**
 * A list being written that can stop at a checkpoint and be continued later, by another process, from
 * the bytes written so far plus the state {@link checkpoint} returned.
 */
export interface ResumableListWriter {
  /** Writes the list's rows (all of them, or those after the resumed checkpoint) and ends the output. */
  write(): Promise<void>;
  /**
   * Called from the list's checkpoint callback: hands everything buffered to the output and returns
   * what a continuation needs (JSON-serialisable).
   */
  checkpoint(): Promise<unknown>;
}

/** Writes a result to a stream. */
export interface FormatterDefinition<Params = unknown> extends ElementBase<Params> {
  /** Kinds of result it can write. */
  kinds: readonly ('tabular' | 'list')[];
  contentType: string;
  extension: string;
  /** Checks parameters against the rest of the request (e.g. pivot keys are requested aggregators). */
  check?(params: Params, aggregatorAliases: readonly string[]): { path: string; message: string }[];
  write(result: ExportResult, out: Writable, params: Params): Promise<void>;
  /**
   * Starts (no `state`) or continues (a state from {@link ResumableListWriter.checkpoint}) a list.
   * Formatters without it are re-run from the start when a task is taken over after a crash.
   */
  resumeList?(result: ListResult, out: Writable, params: Params, state?: unknown): ResumableListWriter;
}

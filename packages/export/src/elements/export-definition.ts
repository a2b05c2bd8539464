import { type ColumnType, maxPrecision } from './column-type.ts';
import type { ElementBase } from './element-base.ts';
import type { AnyQueryBuilder, ExportContext } from './export-context.ts';

/** A column of a result. */
export interface ResultColumn {
  key: string;
  label: string;
  /** `text` when omitted. Values are normalised to it per dialect before any formatter sees them. */
  type?: ColumnType;
  /**
   * Decimal places of a `decimal` column (0-6): values are rounded to them, and spreadsheets show that
   * many (a number format, the cell still a number).
   * @example { key: 'average_minutes', label: 'Average duration', expression: 'avg(a.minutes)', type: 'decimal', precision: 1 }
   */
  precision?: number;
}

/** A selected SQL expression under a result key. Expressions are trusted code, never user input. */
export interface SelectedExpression extends ResultColumn {
  expression: string;
}

/** What every export has, whatever its kind. */
interface ExportDefinitionBase<Params> extends ElementBase<Params> {
  /** What the rows are, e.g. `person`; filters and aggregators declare the type they apply on. */
  type: string;
  /** Role needed in every chosen scope (filters and aggregators inherit it). */
  requiredRole: string;
  /** Types of filters and aggregators this export accepts, e.g. `['activity', 'person']`. */
  accepts: readonly string[];
  /** The base query, already limited to `ctx.scopes`. Alias is the export's choice. */
  initiateQuery(ctx: ExportContext, params: Params): AnyQueryBuilder;
}

/** Computed values per group (e.g. `count(distinct p.id)` by gender); aggregators add the groups. */
export interface TabularExportDefinition<Params = unknown> extends ExportDefinitionBase<Params> {
  kind: 'tabular';
  /** The computed values. */
  columns(params: Params, ctx: ExportContext): SelectedExpression[];
}

/**
 * One row per record, streamed: memory stays flat whatever the row count. It offers columns; each
 * request chooses which of them, in what order, under what labels (the request's `columns`).
 */
export interface ListExportDefinition<Params = unknown> extends ExportDefinitionBase<Params> {
  kind: 'list';
  /** Every column a request may choose, in their default order. Keys are unique. */
  columns: readonly SelectedExpression[];
  /** The keys written when a request chooses none (default: every column). */
  defaultColumns?: readonly string[];
  /** The unique key rows are walked by (keyset, never OFFSET), which is also what a resumed task continues from. */
  rowKey: { expression: string; type: 'integer' | 'bigint' | 'string' };
}

/**
 * What a report is about and what it computes.
 *
 * @example
 * const listBooks: ExportDefinition = {
 *   alias: 'list_books', kind: 'list', type: 'book', requiredRole: 'EXPORT', accepts: ['book'],
 *   title: 'List books', description: 'One row per book', params: z.object({}), describe: () => 'List books',
 *   initiateQuery: (ctx) => ctx.em.createQueryBuilder(Book, 'b').where({ library: { $in: ctx.scopes } }),
 *   columns: [{ key: 'title', label: 'Title', expression: 'b.title' }, { key: 'year', label: 'Year', expression: 'b.year', type: 'integer' }],
 *   rowKey: { expression: 'b.id', type: 'integer' },
 * };
 */
export type ExportDefinition<Params = unknown> = TabularExportDefinition<Params> | ListExportDefinition<Params>;

const rowKeyTypes = ['integer', 'bigint', 'string'];

/**
 * What is wrong with a definition, for registration to refuse it at start-up rather than at its first
 * run (an application in plain JavaScript, or one that casts, gets no help from the types).
 */
export function exportDefinitionProblem(definition: ExportDefinition): string | null {
  const kind = (definition as { kind: unknown }).kind;
  if (kind !== 'tabular' && kind !== 'list') return `kind must be "tabular" or "list", not ${JSON.stringify(kind)}`;
  for (const method of ['initiateQuery', 'describe'] as const) if (typeof definition[method] !== 'function') return `${method} must be a function`;
  const rowKey = (definition as { rowKey?: { expression?: unknown; type?: unknown } }).rowKey;
  if (kind === 'tabular') {
    if (typeof definition.columns !== 'function') return 'columns must be a function';
    return rowKey === undefined ? null : 'a tabular export has no rowKey (its rows are groups)';
  }
  if (!rowKey || typeof rowKey.expression !== 'string' || rowKey.expression === '') return 'a list export needs a rowKey with an expression';
  if (!rowKeyTypes.includes(rowKey.type as string)) return `rowKey.type must be one of ${rowKeyTypes.join(', ')}`;
  return listColumnsProblem(definition as ListExportDefinition);
}

function listColumnsProblem(definition: ListExportDefinition): string | null {
  if (!Array.isArray(definition.columns) || definition.columns.length === 0) return 'a list export needs an array of columns';
  const keys = definition.columns.map((column) => column.key);
  const twice = keys.find((key, index) => keys.indexOf(key) !== index);
  if (twice !== undefined) return `column "${twice}" is declared twice`;
  const imprecise = definition.columns.find(
    ({ precision, type }) => precision !== undefined && (type !== 'decimal' || !(Number.isInteger(precision) && precision >= 0 && precision <= maxPrecision)),
  );
  if (imprecise) return `column "${imprecise.key}": precision is for decimal columns, an integer from 0 to ${maxPrecision}`;
  const unknown = definition.defaultColumns?.find((key) => !keys.includes(key));
  if (unknown !== undefined) return `default column "${unknown}" is not a column`;
  return definition.defaultColumns?.length === 0 ? 'defaultColumns, when given, names at least one column' : null;
}

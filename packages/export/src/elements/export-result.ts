import type { ResultColumn } from './export-definition.ts';
import type { Translate } from './translation.ts';

/** What every result carries for headers: title, element sentences, time and user. */
export interface ResultInfo {
  title: string;
  /** One `describe()` sentence per element, export first. */
  description: string[];
  generatedAt: Date;
  username: string;
  /** The reader's language and its texts, for what formatters write themselves (headers of the header block). */
  locale: string;
  t: Translate;
}

/** Computed values per group: small, collected in memory. */
export interface TabularResult extends ResultInfo {
  kind: 'tabular';
  /** Aggregator keys, in request order, each with the alias of its aggregator. */
  groupColumns: (ResultColumn & { aggregator: string })[];
  /** Computed values (count, average...). */
  valueColumns: ResultColumn[];
  /** One object per group, keyed by column key; group values are raw (see `labels`). */
  rows: Record<string, unknown>[];
  /** Display label of every group value, per group key. */
  labels: Map<string, Map<unknown, string>>;
}

/** One row per record, streamed from the database. */
export interface ListResult extends ResultInfo {
  kind: 'list';
  columns: ResultColumn[];
  /** Rows as cell arrays in column order; pulled page by page (back-pressure). */
  rows: AsyncIterable<unknown[]>;
  /** The same rows a page at a time (one await per page, not per row). Consume one of `rows`, `pages`, `csvLines`. */
  pages: AsyncIterable<unknown[][]>;
  /**
   * The same rows as CSV lines made by the database, when it can (PostgreSQL's COPY): a CSV writer
   * takes these instead of formatting `rows` itself. Consume one or the other, never both.
   */
  csvLines?: (format: DatabaseCsvFormat) => AsyncIterable<Buffer>;
  /**
   * The rows the list will have, for progress (one more query): exact below 100,000 rows, above that
   * PostgreSQL's planner estimate (`exact` false) where counting would compete with the export for CPU.
   */
  total(): Promise<{ rows: number; exact: boolean }>;
  /** Rows read so far (by `rows` or `csvLines`), for progress. */
  rowsRead(): number;
}

/** How database-made CSV lines must look to equal the CSV writer's own. */
export interface DatabaseCsvFormat {
  separator: string;
  neutraliseFormulas: boolean;
}

/** The result of running an export. */
export type ExportResult = TabularResult | ListResult;

/** The label of a group value, or the value itself when the aggregator gave none. */
export function groupLabel(result: TabularResult, key: string, value: unknown): string {
  return result.labels.get(key)?.get(value ?? null) ?? (value === null || value === undefined ? '' : String(value));
}

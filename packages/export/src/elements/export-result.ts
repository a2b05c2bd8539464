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
   * The same rows as the database's own text records (PostgreSQL's COPY), when it can: a writer that
   * turns bytes into its format takes these instead of `rows`. Consume one of them, never two.
   */
  databaseText?: () => Promise<DatabaseText>;
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

/**
 * Rows as PostgreSQL's COPY text format writes them: one record per line, fields separated by tabs,
 * `\N` for NULL, and a backslash before a backslash, tab, line break or other escaped control character
 * (`\t`, `\n`, `\r`, `\b`, `\f`, `\v`). A record may have one more field than there are
 * columns (the row key the walk needs), to be skipped.
 */
export interface DatabaseText {
  columns: DatabaseTextColumn[];
  /** Whole records, chunk after chunk. */
  records: AsyncIterable<Buffer>;
}

/**
 * One column of {@link DatabaseText}: what the row path would hand a formatter for a value's text, and
 * when that is the text itself, so a writer can copy bytes instead of making a value.
 */
export interface DatabaseTextColumn {
  /**
   * `text`: the value is the text (a string); `integer`: the number the text spells, when it has at most
   * 15 digits; `day`: a `CalendarDate` of the text, when it is `YYYY-MM-DD`; `other`: only `value` tells.
   */
  shape: 'text' | 'integer' | 'day' | 'other';
  /** The value the row path hands over for this text (unescaped; NULL is not text: it is `null`). */
  value(text: string): unknown;
}

/** The result of running an export. */
export type ExportResult = TabularResult | ListResult;

/** The label of a group value, or the value itself when the aggregator gave none. */
export function groupLabel(result: TabularResult, key: string, value: unknown): string {
  return result.labels.get(key)?.get(value ?? null) ?? (value === null || value === undefined ? '' : String(value));
}

import type { EntityManager } from '@mikro-orm/sql';
import { dialectNamed } from '@sluice/db';
import type { Pool } from 'pg';
import { typedValue } from '../elements/column-type.ts';
import type { SelectedExpression } from '../elements/export-definition.ts';
import type { DatabaseCsvFormat, DatabaseText, DatabaseTextColumn } from '../elements/export-result.ts';
import { newline, reshapeCopyCsv } from './copy-csv-reshape.ts';
import type { ListPosition } from './run-export.ts';

/** Where a COPY walk resumes: after this row key. Distinct from pagination checkpoints. */
const cursorPrefix = 'copy:';

/** Whether `checkpoint` was made by {@link copyCsvLines} (and so can resume it). */
export function isCopyCheckpoint(checkpoint: string): boolean {
  return checkpoint.startsWith(cursorPrefix);
}

/** What a COPY walk collects from the socket before handing it on. */
const batchBytes = 128 * 1024;

/** The COPY chunk of a run that checkpoints without a pace to keep: a quarter of a million rows. */
export const defaultCopyChunkRows = 250_000;

/** What a COPY walk needs: the list's SQL (with its row key selected as `sluice_k`) and its columns. */
export interface CopySource {
  em: EntityManager;
  /** The export's SELECT, filters applied, columns and `sluice_k` selected; trusted SQL. */
  sql: string;
  columns: readonly SelectedExpression[];
  /**
   * The index of a column that is the row key itself (same expression), or -1: then COPY does not
   * write the key again at the end of every record (a million people: 8 MB and ~0.04 s less of
   * PostgreSQL's time).
   */
  keyColumn: number;
  from?: string;
  /**
   * Rows of the first COPY statement (of every one, without `chunkMs`); none: one statement for the
   * whole list, for a run that takes no checkpoints (each restart cost ~0.01 s of a 1 s export).
   */
  chunkRows?: number;
  /**
   * Each next chunk is sized to take about this long at the last one's pace (growing at most eightfold
   * a step): checkpoints come about this often, and a fast export makes few statements (each restart
   * costs ~0.01 s: doubling from 50,000 rows made 6 statements for a million rows, which cost a task
   * 12% over a 0.9 s direct export; this makes 3).
   */
  chunkMs?: number;
  onCheckpoint?: (position: ListPosition) => void | Promise<void>;
  signal?: AbortSignal;
  /** Called with every record, for progress. */
  onRows(count: number): void;
}

// pg's type ids of what the driver hands to JS as numbers, booleans or dates; anything else arrives
// as a string, which the CSV writer formula-neutralises.
const plainNumbers = new Set([21, 23, 700, 701]);
const booleanType = 16;
const timestampTypes = new Set([1114, 1184]);

/** How a column's values come out of COPY to match the CSV writer's text of the driver's value. */
function columnExpression(column: SelectedExpression, typeId: number): string {
  const c = `q.${dialectNamed('postgresql').quote(column.key)}`;
  // numeric keeps its scale in text: `91.60`, as FixedDecimal writes it.
  if (column.type === 'decimal' && column.precision !== undefined) return `round(${c}::numeric, ${column.precision})`;
  if (typeId === booleanType) return `case when ${c} then 'true' when not ${c} then 'false' end`;
  if (timestampTypes.has(typeId)) return `to_char(${c}${typeId === 1184 ? " at time zone 'UTC'" : ''}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return c;
}

/** COPY's output of one chunk reshaped: whole records out, the unfinished tail kept for the next chunk. */
interface Shaped {
  lines: Buffer;
  records: number;
  lastKey: string | null;
  rest: Buffer;
}

const integerTypes = new Set([20, 21, 23]);
const dateType = 1082;

/**
 * What the row path makes of a column's text: the driver's parser (as the ORM set it up) and then the
 * column's type. Where that is the text itself, or the number or day it spells, the shape says so.
 */
function textColumn(column: SelectedExpression, typeId: number, parse: (text: string) => unknown): DatabaseTextColumn {
  const type = column.type ?? 'text';
  const value = (text: string) => typedValue(type, parse(text), column.precision);
  const asIs = parse('sluice') === 'sluice';
  const numeric = type === 'integer' || (type === 'decimal' && column.precision === undefined) || (type === 'text' && typeof parse('1') === 'number');
  if (type === 'text' && asIs) return { shape: 'text', value };
  if (integerTypes.has(typeId) && numeric) return { shape: 'integer', value };
  if (type === 'date' && typeId === dateType && asIs) return { shape: 'day', value };
  return { shape: 'other', value };
}

const tab = 0x09;
const noBytes = Buffer.alloc(0);

/** COPY's text output up to its last whole record, with the record count and the last record's key field. */
function wholeTextRecords(data: Buffer, keyField: number): Shaped {
  const end = data.lastIndexOf(newline);
  if (end < 0) return { lines: noBytes, records: 0, lastKey: null, rest: data };
  let records = 0;
  for (let at = data.indexOf(newline); at >= 0 && at <= end; at = data.indexOf(newline, at + 1)) records++;
  // A negative offset would search from the end: the first record starts at 0.
  let from = end > 0 ? data.lastIndexOf(newline, end - 1) + 1 : 0;
  for (let field = 0; field < keyField; field++) from = data.indexOf(tab, from) + 1;
  const tabAt = data.indexOf(tab, from);
  const to = tabAt < 0 || tabAt > end ? end : tabAt;
  return { lines: data.subarray(0, end + 1), records, lastKey: data.toString('latin1', from, to), rest: data.subarray(end + 1) };
}

/** The pool, the list's SQL as a subquery, and each column's type id, from a query that returns no row. */
async function probe(source: CopySource): Promise<{ pool: Pool; inner: string; typeIds: number[]; parsers: ((text: string) => unknown)[] }> {
  const pool = (await source.em.getConnection().getNativeClient()) as Pool;
  const inner = `(${source.sql}) q`;
  const client = await pool.connect();
  try {
    const { fields } = await client.query(`select * from ${inner} limit 0`);
    const typeOf = new Map(fields.map((field) => [field.name, field.dataTypeID]));
    const typeIds = source.columns.map((column) => typeOf.get(column.key) ?? 25);
    // What the driver, as the ORM set it up, makes of each column's text: the row path's raw values.
    const parsers = typeIds.map((typeId) => (client as unknown as DriverClient).getTypeParser(typeId, 'text'));
    return { pool, inner, typeIds, parsers };
  } finally {
    client.release();
  }
}

/** The part of pg's client that tells how it parses a type's text. */
interface DriverClient {
  getTypeParser(typeId: number, format: 'text'): (text: string) => unknown;
}

/**
 * A list's rows as COPY writes them, in keyset chunks of `chunkRows` on the integer row key, reporting a
 * checkpoint after each chunk; `shape` turns each run of COPY's bytes into what the caller writes.
 */
async function* copyWalk(
  source: CopySource,
  pool: Pool,
  inner: string,
  select: string,
  options: string,
  shape: (data: Buffer) => Shaped,
): AsyncGenerator<Buffer> {
  const [top] = (await pool.query(`select q.sluice_k::text as k from ${inner} order by q.sluice_k desc limit 1`)).rows as { k: string }[];
  if (!top) return;
  // The walk ends at the row that was last when it started, like the paginated one.
  const bound = BigInt(top.k);
  let after = source.from ? BigInt(source.from.slice(cursorPrefix.length)) : null;
  let total = 0;
  let chunkRows = source.chunkRows;
  // An optional peer: only apps that export lists from PostgreSQL install it.
  const { to: copyTo } = await import('pg-copy-streams');
  for (;;) {
    if (source.signal?.aborted) throw source.signal.reason;
    const where = `q.sluice_k <= ${bound}${after === null ? '' : ` and q.sluice_k > ${after}`}`;
    const sql = `copy (select ${select}${source.keyColumn < 0 ? ', q.sluice_k' : ''} from ${inner} where ${where} order by q.sluice_k${chunkRows === undefined ? '' : ` limit ${chunkRows}`}) to stdout ${options}`;
    const started = performance.now();
    const client = await pool.connect();
    let records = 0;
    let lastKey: string | null = null;
    let complete = false;
    // The socket hands over ~10 KB at a time: the writer gets 128 KiB at once (5,000
    // pieces cost an XLSX export as many compressor round trips).
    const batch: Buffer[] = [];
    let batched = 0;
    const take = () => {
      const lines = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batched);
      batch.length = 0;
      batched = 0;
      return lines;
    };
    try {
      let rest: Buffer = Buffer.alloc(0);
      for await (const chunk of client.query(copyTo(sql)) as AsyncIterable<Buffer>) {
        let data = chunk;
        if (rest.length > 0) {
          // Finish the record cut at the last chunk's end with as little of this chunk as it needs,
          // rather than copying the whole chunk behind it.
          let cut = chunk.indexOf(newline);
          for (;;) {
            if (cut < 0) {
              rest = Buffer.concat([rest, chunk]);
              data = Buffer.alloc(0);
              break;
            }
            const head = shape(Buffer.concat([rest, chunk.subarray(0, cut + 1)]));
            if (head.records > 0) {
              records += head.records;
              lastKey = head.lastKey ?? lastKey;
              source.onRows(head.records);
              batch.push(head.lines);
              batched += head.lines.length;
              rest = head.rest;
              data = chunk.subarray(cut + 1);
              break;
            }
            cut = chunk.indexOf(newline, cut + 1); // the newline was inside quotes
          }
        }
        const shaped = shape(rest.length > 0 ? Buffer.concat([rest, data]) : data);
        rest = shaped.rest;
        records += shaped.records;
        lastKey = shaped.lastKey ?? lastKey;
        source.onRows(shaped.records);
        if (shaped.lines.length > 0) {
          batch.push(shaped.lines);
          batched += shaped.lines.length;
        }
        if (batched >= batchBytes) yield take();
        if (source.signal?.aborted) throw source.signal.reason;
      }
      if (batched > 0) yield take();
      complete = true;
    } finally {
      // A connection left in the middle of a COPY (consumer stopped, error) is closed, not pooled.
      client.release(complete ? undefined : true);
    }
    total += records;
    if (lastKey === null) return;
    after = BigInt(lastKey);
    await source.onCheckpoint?.({ cursor: `${cursorPrefix}${after}`, rows: total });
    if (chunkRows === undefined || records < chunkRows) return;
    if (source.chunkMs !== undefined) {
      const paced = Math.round((records / Math.max(1, performance.now() - started)) * source.chunkMs);
      chunkRows = Math.max(chunkRows, Math.min(8 * chunkRows, paced));
    }
  }
}

/**
 * A list's rows as CSV lines written by PostgreSQL (`COPY ... TO STDOUT`), in keyset chunks, reporting
 * a checkpoint after each chunk. Formatting a million rows in JavaScript costs several times what COPY
 * does, and creates the garbage that makes a Node process's memory grow; this path hands bytes from the
 * socket to the file almost untouched.
 */
export async function* copyCsvLines(source: CopySource, format: DatabaseCsvFormat): AsyncGenerator<Buffer> {
  const { pool, inner, typeIds } = await probe(source);
  const select = source.columns.map((column, i) => columnExpression(column, typeIds[i] as number)).join(', ');
  // The CSV writer neutralises values the driver hands over as strings: everything but numbers and
  // booleans, and numbers a column's type makes numbers of (a negative decimal keeps its sign).
  const neutralise = source.columns.map((column, i) => {
    const typeId = typeIds[i] as number;
    const number = plainNumbers.has(typeId) || column.type === 'decimal' || column.type === 'integer';
    return format.neutraliseFormulas && !number && typeId !== booleanType && !timestampTypes.has(typeId);
  });
  const separator = format.separator.charCodeAt(0);
  const delimiter = format.separator === '\t' ? "E'\\t'" : `'${format.separator}'`;
  yield* copyWalk(source, pool, inner, select, `(format csv, delimiter ${delimiter})`, (data) => reshapeCopyCsv(data, separator, neutralise, source.keyColumn));
}

/**
 * A list's rows as COPY's text records (tab-separated, `\N` for NULL, backslash escapes), each column's
 * value as the database writes its text, in keyset chunks with checkpoints like {@link copyCsvLines};
 * with the type id and the driver's parser of each column, so a writer can handle any value exactly as
 * the row path would.
 */
export async function copyTextRecords(source: CopySource): Promise<DatabaseText> {
  const { pool, inner, typeIds, parsers } = await probe(source);
  const select = source.columns.map((column) => `q.${dialectNamed('postgresql').quote(column.key)}`).join(', ');
  // The key is the last field when no column holds it; otherwise it is that column's.
  const keyField = source.keyColumn < 0 ? source.columns.length : source.keyColumn;
  return {
    columns: source.columns.map((column, i) => textColumn(column, typeIds[i] as number, parsers[i] as (text: string) => unknown)),
    records: copyWalk(source, pool, inner, select, '', (data) => wholeTextRecords(data, keyField)),
  };
}

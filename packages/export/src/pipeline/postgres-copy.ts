import type { EntityManager } from '@mikro-orm/sql';
import { dialectNamed } from '@sluice/db';
import type { Pool } from 'pg';
import type { SelectedExpression } from '../elements/export-definition.ts';
import type { DatabaseCsvFormat } from '../elements/export-result.ts';
import { newline, reshapeCopyCsv } from './copy-csv-reshape.ts';
import type { ListPosition } from './run-export.ts';

/** Where a COPY walk resumes: after this row key. Distinct from pagination checkpoints. */
const cursorPrefix = 'copy:';

/** Whether `checkpoint` was made by {@link copyCsvLines} (and so can resume it). */
export function isCopyCheckpoint(checkpoint: string): boolean {
  return checkpoint.startsWith(cursorPrefix);
}

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

/**
 * A list's rows as CSV lines written by PostgreSQL (`COPY ... TO STDOUT`), in keyset chunks of
 * `chunkRows` on the integer row key, reporting a checkpoint after each chunk. Formatting a million
 * rows in JavaScript costs several times what COPY does, and creates the garbage that makes a Node
 * process's memory grow; this path hands bytes from the socket to the file almost untouched.
 */
export async function* copyCsvLines(source: CopySource, format: DatabaseCsvFormat): AsyncGenerator<Buffer> {
  const pool = (await source.em.getConnection().getNativeClient()) as Pool;
  const inner = `(${source.sql}) q`;
  const probe = await pool.query(`select * from ${inner} limit 0`);
  const typeOf = new Map(probe.fields.map((field) => [field.name, field.dataTypeID]));
  const select = source.columns.map((column) => columnExpression(column, typeOf.get(column.key) ?? 25)).join(', ');
  // The CSV writer neutralises values the driver hands over as strings: everything but numbers and
  // booleans, and numbers a column's type makes numbers of (a negative decimal keeps its sign).
  const neutralise = source.columns.map((column) => {
    const typeId = typeOf.get(column.key) ?? 25;
    const number = plainNumbers.has(typeId) || column.type === 'decimal' || column.type === 'integer';
    return format.neutraliseFormulas && !number && typeId !== booleanType && !timestampTypes.has(typeId);
  });
  const [top] = (await pool.query(`select q.sluice_k::text as k from ${inner} order by q.sluice_k desc limit 1`)).rows as { k: string }[];
  if (!top) return;
  // The walk ends at the row that was last when it started, like the paginated one.
  const bound = BigInt(top.k);
  let after = source.from ? BigInt(source.from.slice(cursorPrefix.length)) : null;
  const separator = format.separator.charCodeAt(0);
  const delimiter = format.separator === '\t' ? "E'\\t'" : `'${format.separator}'`;
  let total = 0;
  let chunkRows = source.chunkRows;
  // An optional peer: only apps that export CSV lists from PostgreSQL install it.
  const { to: copyTo } = await import('pg-copy-streams');
  for (;;) {
    if (source.signal?.aborted) throw source.signal.reason;
    const where = `q.sluice_k <= ${bound}${after === null ? '' : ` and q.sluice_k > ${after}`}`;
    const sql = `copy (select ${select}${source.keyColumn < 0 ? ', q.sluice_k' : ''} from ${inner} where ${where} order by q.sluice_k${chunkRows === undefined ? '' : ` limit ${chunkRows}`}) to stdout (format csv, delimiter ${delimiter})`;
    const started = performance.now();
    const client = await pool.connect();
    let records = 0;
    let lastKey: string | null = null;
    let complete = false;
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
            const head = reshapeCopyCsv(Buffer.concat([rest, chunk.subarray(0, cut + 1)]), separator, neutralise, source.keyColumn);
            if (head.records > 0) {
              records += head.records;
              lastKey = head.lastKey ?? lastKey;
              source.onRows(head.records);
              yield head.lines;
              rest = head.rest;
              data = chunk.subarray(cut + 1);
              break;
            }
            cut = chunk.indexOf(newline, cut + 1); // the newline was inside quotes
          }
        }
        const shaped = reshapeCopyCsv(rest.length > 0 ? Buffer.concat([rest, data]) : data, separator, neutralise, source.keyColumn);
        rest = shaped.rest;
        records += shaped.records;
        lastKey = shaped.lastKey ?? lastKey;
        source.onRows(shaped.records);
        if (shaped.lines.length > 0) yield shaped.lines;
        if (source.signal?.aborted) throw source.signal.reason;
      }
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

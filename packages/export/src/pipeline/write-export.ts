import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/sql';
import type { ResumableListWriter } from '../elements/formatter-definition.ts';
import type { PreparedExport } from './export-registry.ts';
import { type ListPosition, type RunOptions, runExport } from './run-export.ts';

/** Where a list stopped durably: the walk's position and what the formatter needs to continue from it. */
export interface ExportCheckpoint extends ListPosition {
  formatterState: unknown;
}

/** Options of {@link writeExport}. */
export interface WriteExportOptions extends Pick<RunOptions, 'pageSize' | 'copyChunkRows' | 'copyChunkMs' | 'signal' | 'now'> {
  /** Continue a list from a checkpoint (the output already holds the bytes before it); needs {@link canResume}. */
  from?: ExportCheckpoint;
  /**
   * Called after each streamed page of a list with the walk's position; `save` (absent when the
   * formatter cannot continue a list) hands everything buffered to the output and returns the
   * checkpoint to continue from, once the output holds its bytes durably.
   */
  onCheckpoint?: (position: ListPosition, save?: () => Promise<ExportCheckpoint>) => void | Promise<void>;
  /**
   * The total row count, for progress, found alongside the walk so it never delays the first row. For a
   * list of 100,000 rows or more on PostgreSQL it is the planner's estimate (`exact` false): counting
   * would take CPU from the export itself; the final count is what `done` settles with.
   */
  onTotal?: (rows: number, exact: boolean) => void | Promise<void>;
}

/** An export being written. */
export interface ExportWriting {
  /** Rows written so far (a continued list includes those before its checkpoint). */
  rows(): number;
  /** Settles once the formatter wrote everything and the output finished, with the row count. */
  readonly done: Promise<number>;
}

/** Whether a run of `prepared` can checkpoint and be continued: a list, by a formatter that resumes lists. */
export function canResume(prepared: PreparedExport): boolean {
  return prepared.export.definition.kind === 'list' && prepared.formatter.definition.resumeList !== undefined;
}

/**
 * Runs a prepared export and writes it with its formatter: the one pipeline behind a download, the CLI,
 * and a task (which adds checkpoints). Resolves once the query runs and writing has begun, so the caller
 * can send the output while it fills.
 *
 * @example
 * const writing = await writeExport(registry.prepare(body, user), em.fork(), createWriteStream('people.csv'));
 * const rows = await writing.done;
 */
export async function writeExport(prepared: PreparedExport, em: EntityManager, out: Writable, options: WriteExportOptions = {}): Promise<ExportWriting> {
  if (options.from && !canResume(prepared)) throw new TypeError(`export "${prepared.request.export}" cannot be continued from a checkpoint`);
  const before = options.from?.rows ?? 0;
  const onCheckpoint = options.onCheckpoint;
  let writer: ResumableListWriter | undefined;
  const result = await runExport(prepared, em, {
    pageSize: options.pageSize,
    copyChunkRows: options.copyChunkRows,
    copyChunkMs: options.copyChunkMs,
    signal: options.signal,
    now: options.now,
    from: options.from?.cursor,
    // Without a checkpoint callback the run takes none (and COPY makes one statement).
    onCheckpoint:
      onCheckpoint &&
      ((walked) => {
        const position = { cursor: walked.cursor, rows: before + walked.rows };
        const resumable = writer;
        return onCheckpoint(position, resumable && (async () => ({ ...position, formatterState: await resumable.checkpoint() })));
      }),
  });
  const { definition: formatter, params } = prepared.formatter;
  if (result.kind === 'list' && options.onTotal)
    result
      .total()
      .then((total) => options.onTotal?.(total.rows, total.exact))
      .catch(() => {});
  else if (result.kind === 'tabular') await options.onTotal?.(result.rows.length, true);
  if (result.kind === 'list' && canResume(prepared)) writer = formatter.resumeList?.(result, out, params, options.from?.formatterState);
  const rows = () => (result.kind === 'list' ? before + result.rowsRead() : result.rows.length);
  const done = (async () => {
    await (writer ? writer.write() : formatter.write(result, out, params));
    await finished(out);
    return rows();
  })();
  return { rows, done };
}

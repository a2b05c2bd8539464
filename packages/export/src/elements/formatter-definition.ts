import type { Writable } from 'node:stream';
import type { ElementBase } from './element-base.ts';
import type { ExportResult, ListResult } from './export-result.ts';

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

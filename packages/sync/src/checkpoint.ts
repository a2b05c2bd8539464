import { SignedTokens } from '@sluice/core';
import { SyncError } from './sync-error.ts';

/** A position in the change log: every change at or before (version, id) was handed out. */
export interface LogPosition {
  version: number;
  id: number;
}

/** Where a client stands in one mapping. */
export type Checkpoint =
  /** Downloading the scope's current rows by key; then the log from `from` on. */
  | { phase: 'snapshot'; mapping: string; generation: number; after: string | null; from: LogPosition }
  /** Following the change log. */
  | { phase: 'log'; mapping: string; generation: number; at: LogPosition };

interface Payload {
  v: 1;
  d: string;
  m: string;
  g: number;
  /** Log position (version, id). */
  p: [number, number];
  /** Snapshot phase: the last key handed out (`''` before the first). */
  s?: string;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Signed, opaque checkpoints bound to one database and one mapping: a tampered one, or one from
 * another database, is refused before any query runs.
 */
export class CheckpointCodec {
  readonly #tokens: SignedTokens;
  readonly #databaseId: string;

  constructor(secret: string, databaseId: string) {
    this.#tokens = new SignedTokens(secret);
    this.#databaseId = databaseId;
  }

  encode(checkpoint: Checkpoint): string {
    const position = checkpoint.phase === 'log' ? checkpoint.at : checkpoint.from;
    const payload: Payload = { v: 1, d: this.#databaseId, m: checkpoint.mapping, g: checkpoint.generation, p: [position.version, position.id] };
    if (checkpoint.phase === 'snapshot') payload.s = checkpoint.after ?? '';
    return this.#tokens.encode(payload);
  }

  decode(token: string, mapping: string): Checkpoint {
    const decoded = this.#tokens.decode(token, 1024);
    if (!decoded.ok) throw SyncError.invalidCheckpoint(decoded.reason);
    const payload = decoded.payload as Partial<Payload> | null;
    if (typeof payload !== 'object' || payload === null || payload.v !== 1) throw SyncError.invalidCheckpoint('malformed');
    if (payload.d !== this.#databaseId) throw SyncError.invalidCheckpoint('it was issued by another database');
    if (payload.m !== mapping) throw SyncError.invalidCheckpoint(`it belongs to mapping "${String(payload.m)}"`);
    const [version, id] = Array.isArray(payload.p) ? payload.p : [];
    if (!isCount(payload.g) || !isCount(version) || !isCount(id)) throw SyncError.invalidCheckpoint('malformed');
    if (payload.s !== undefined && typeof payload.s !== 'string') throw SyncError.invalidCheckpoint('malformed');
    const position = { version, id };
    if (payload.s === undefined) return { phase: 'log', mapping, generation: payload.g, at: position };
    return { phase: 'snapshot', mapping, generation: payload.g, after: payload.s === '' ? null : payload.s, from: position };
  }
}

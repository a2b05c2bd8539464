import { SignedTokens } from '@sluice/core';
import { fullSubset, type PullSubset } from './pull-subset.ts';
import { SyncError } from './sync-error.ts';

/** A position in the change log: every change at or before (version, id) was handed out. */
export interface LogPosition {
  version: number;
  id: number;
}

/**
 * A change of subset under way: first the rows the client holds and no longer syncs go as deletes
 * (`left`), then the rows it now syncs and did not (`entered`), each by key after `after`.
 */
export interface SubsetShift {
  step: 'left' | 'entered';
  after: string | null;
  /** The subset the client held before. */
  from: PullSubset;
}

/**
 * After a subset shrank: log entries below `until` are read in the scopes it left too (null: all the
 * subject's), so a row that moved out of them before its delete was read still reaches the client.
 */
export interface WideLog {
  scopes: string[] | null;
  until: number;
}

/** Where a client stands in one mapping, and the subset it holds. */
export type Checkpoint =
  /** Downloading the subset's current rows by key; then the log from `from` on. */
  | { phase: 'snapshot'; mapping: string; generation: number; after: string | null; from: LogPosition; subset: PullSubset }
  /** Following the change log (after a shift of subset, when one is under way). */
  | { phase: 'log'; mapping: string; generation: number; at: LogPosition; subset: PullSubset; shift?: SubsetShift; wide?: WideLog };

type SubsetPayload = [string[] | null, Record<string, unknown> | null];

interface Payload {
  v: 1;
  d: string;
  m: string;
  g: number;
  /** Log position (version, id). */
  p: [number, number];
  /** Snapshot phase: the last key handed out (`''` before the first). */
  s?: string;
  /** The subset (absent: the whole). */
  f?: SubsetPayload;
  /** A shift under way: step, last key (`''` before the first), the subset before. */
  t?: ['l' | 'e', string, SubsetPayload];
  /** A wide log: the scopes left (null: all), until which version. */
  w?: [string[] | null, number];
}

/** Longest checkpoint accepted: subsets of up to 50 scopes and their parameters fit. */
export const maxCheckpointLength = 8_192;

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function subsetPayload(subset: PullSubset): SubsetPayload {
  return [subset.scopes, subset.parameters];
}

function subsetFrom(payload: unknown): PullSubset {
  if (payload === undefined) return fullSubset;
  if (!Array.isArray(payload) || payload.length !== 2) throw SyncError.invalidCheckpoint('malformed');
  const [scopes, parameters] = payload as unknown[];
  if (!(scopes === null || isTextList(scopes)) || !(parameters === null || isRecord(parameters))) throw SyncError.invalidCheckpoint('malformed');
  return { scopes, parameters };
}

function shiftFrom(payload: Payload['t']): SubsetShift | undefined {
  if (payload === undefined) return undefined;
  if (!Array.isArray(payload) || (payload[0] !== 'l' && payload[0] !== 'e') || !isText(payload[1])) throw SyncError.invalidCheckpoint('malformed');
  return { step: payload[0] === 'l' ? 'left' : 'entered', after: payload[1] === '' ? null : payload[1], from: subsetFrom(payload[2]) };
}

function wideFrom(payload: Payload['w']): WideLog | undefined {
  if (payload === undefined) return undefined;
  if (!Array.isArray(payload) || !(payload[0] === null || isTextList(payload[0])) || !isCount(payload[1])) throw SyncError.invalidCheckpoint('malformed');
  return { scopes: payload[0], until: payload[1] };
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * What a WatermelonDB client holds besides its timestamp (a bare number, which cannot be signed): the
 * subset it was issued for, and a wide log still due. Issued with each pull, sent back with the next.
 */
export interface HeldSubset {
  /** The `timestamp` it was issued with. */
  timestamp: number;
  scopes: string[] | null;
  /** Per mapping, the parameters held. */
  parameters: Record<string, Record<string, unknown>>;
  wide?: WideLog;
}

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
    if (checkpoint.subset.scopes !== null || checkpoint.subset.parameters !== null) payload.f = subsetPayload(checkpoint.subset);
    if (checkpoint.phase === 'log' && checkpoint.shift)
      payload.t = [checkpoint.shift.step === 'left' ? 'l' : 'e', checkpoint.shift.after ?? '', subsetPayload(checkpoint.shift.from)];
    if (checkpoint.phase === 'log' && checkpoint.wide) payload.w = [checkpoint.wide.scopes, checkpoint.wide.until];
    return this.#tokens.encode(payload);
  }

  /** A WatermelonDB client's subset token. */
  encodeHeld(held: HeldSubset): string {
    return this.#tokens.encode({
      v: 1,
      d: this.#databaseId,
      m: '',
      h: [held.timestamp, held.scopes, held.parameters, held.wide ? [held.wide.scopes, held.wide.until] : null],
    });
  }

  /** Reads a subset token; a forged or foreign one is `SYNC_INVALID_CHECKPOINT`. */
  decodeHeld(token: string): HeldSubset {
    const decoded = this.#tokens.decode(token, maxCheckpointLength);
    if (!decoded.ok) throw SyncError.invalidCheckpoint(decoded.reason);
    const payload = decoded.payload as { v?: unknown; d?: unknown; h?: unknown } | null;
    if (payload?.v !== 1 || !Array.isArray(payload.h) || payload.h.length !== 4) throw SyncError.invalidCheckpoint('malformed');
    if (payload.d !== this.#databaseId) throw SyncError.invalidCheckpoint('it was issued by another database');
    const [timestamp, scopes, parameters, wide] = payload.h as unknown[];
    const subset = subsetFrom([scopes, null]);
    if (!isCount(timestamp) || !isRecord(parameters) || !Object.values(parameters).every(isRecord)) throw SyncError.invalidCheckpoint('malformed');
    const held: HeldSubset = { timestamp, scopes: subset.scopes, parameters: parameters as HeldSubset['parameters'] };
    const widened = wide === null ? undefined : wideFrom(wide as Payload['w']);
    if (widened) held.wide = widened;
    return held;
  }

  decode(token: string, mapping: string): Checkpoint {
    const decoded = this.#tokens.decode(token, maxCheckpointLength);
    if (!decoded.ok) throw SyncError.invalidCheckpoint(decoded.reason);
    const payload = decoded.payload as Partial<Payload> | null;
    if (typeof payload !== 'object' || payload === null || payload.v !== 1) throw SyncError.invalidCheckpoint('malformed');
    if (payload.d !== this.#databaseId) throw SyncError.invalidCheckpoint('it was issued by another database');
    if (payload.m !== mapping) throw SyncError.invalidCheckpoint(`it belongs to mapping "${String(payload.m)}"`);
    const [version, id] = Array.isArray(payload.p) ? payload.p : [];
    if (!isCount(payload.g) || !isCount(version) || !isCount(id)) throw SyncError.invalidCheckpoint('malformed');
    if (payload.s !== undefined && typeof payload.s !== 'string') throw SyncError.invalidCheckpoint('malformed');
    const position = { version, id };
    const subset = subsetFrom(payload.f);
    if (payload.s !== undefined)
      return { phase: 'snapshot', mapping, generation: payload.g, after: payload.s === '' ? null : payload.s, from: position, subset };
    const checkpoint: Checkpoint = { phase: 'log', mapping, generation: payload.g, at: position, subset };
    const shift = shiftFrom(payload.t);
    const wide = wideFrom(payload.w);
    if (shift) checkpoint.shift = shift;
    if (wide) checkpoint.wide = wide;
    return checkpoint;
  }
}

import { SignedTokens } from '@sluice/core';
import type { KeyType, SortKey } from './ordering.ts';
import { orderingSignature } from './ordering.ts';
import { PaginationError } from './pagination-error.ts';

/** A sort-key value as it travels in a cursor: exactly what the database returned, never rounded. */
export type KeyValue = string | number | boolean | null;

/** A decoded position in an ordering. */
export interface Cursor {
  /** One value per sort key, in order. */
  values: KeyValue[];
  /** When true the page starts at (or ends at) the row itself instead of next to it. */
  inclusive: boolean;
}

const version = 1;

interface CursorPayload {
  v: number;
  o: string;
  k: KeyValue[];
  i?: 1;
}

const checks: Record<KeyType, (value: KeyValue) => boolean> = {
  string: (value) => typeof value === 'string',
  integer: (value) => typeof value === 'number' && Number.isSafeInteger(value),
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  bigint: (value) => typeof value === 'string' && /^-?\d{1,20}$/.test(value),
  date: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
  // Timestamps stay in the database's own text (microseconds included) or epoch milliseconds (SQLite).
  timestamp: (value) =>
    (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[ T][\d:.]+(Z|[+-]\d{2}(:?\d{2})?)?$/.test(value)) ||
    (typeof value === 'number' && Number.isSafeInteger(value)),
  boolean: (value) => typeof value === 'boolean',
};

/**
 * Encodes and decodes opaque cursors: base64url JSON with a version, the ordering they belong to and
 * the key values, followed by an HMAC-SHA256 tag when a secret is configured.
 */
export class CursorCodec {
  readonly #tokens: SignedTokens;

  constructor(secret?: string) {
    this.#tokens = new SignedTokens(secret);
  }

  encode(keys: readonly SortKey[], cursor: Cursor): string {
    const payload: CursorPayload = { v: version, o: orderingSignature(keys), k: cursor.values };
    if (cursor.inclusive) payload.i = 1;
    return this.#tokens.encode(payload);
  }

  /** Decodes `token` for `keys`, or fails with `PAGINATION_INVALID_CURSOR` explaining why. */
  decode(keys: readonly SortKey[], token: string): Cursor {
    const decoded = this.#tokens.decode(token);
    if (!decoded.ok) throw PaginationError.invalidCursor(decoded.reason);
    const payload = checkPayload(decoded.payload);
    if (payload.v !== version) throw PaginationError.invalidCursor(`version ${String(payload.v)} is not supported`);
    if (payload.o !== orderingSignature(keys)) throw PaginationError.invalidCursor('it was made for another ordering');
    if (payload.k.length !== keys.length) throw PaginationError.invalidCursor(`expected ${keys.length} values, got ${payload.k.length}`);
    keys.forEach((key, index) => {
      const value = payload.k[index] as KeyValue;
      if (value === null ? !key.nullable : !checks[key.type](value))
        throw PaginationError.invalidCursor(`value ${index + 1} (${key.name}) is not a valid ${key.type}`);
    });
    return { values: payload.k, inclusive: payload.i === 1 };
  }
}

function checkPayload(parsed: unknown): CursorPayload {
  const payload = parsed as Partial<CursorPayload> | null;
  if (typeof payload !== 'object' || payload === null || typeof payload.o !== 'string' || !Array.isArray(payload.k)) {
    throw PaginationError.invalidCursor('malformed');
  }
  if (payload.i !== undefined && payload.i !== 1) throw PaginationError.invalidCursor('malformed');
  return payload as CursorPayload;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
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
  readonly #secret: string | undefined;

  constructor(secret?: string) {
    this.#secret = secret || undefined;
  }

  encode(keys: readonly SortKey[], cursor: Cursor): string {
    const payload: CursorPayload = { v: version, o: orderingSignature(keys), k: cursor.values };
    if (cursor.inclusive) payload.i = 1;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return this.#secret ? `${body}.${this.#sign(body)}` : body;
  }

  /** Decodes `token` for `keys`, or fails with `PAGINATION_INVALID_CURSOR` explaining why. */
  decode(keys: readonly SortKey[], token: string): Cursor {
    if (token.length === 0 || token.length > 4096) throw PaginationError.invalidCursor('empty or too long');
    const [body, tag, extra] = token.split('.');
    if (extra !== undefined || !body || !/^[\w-]+$/.test(body)) throw PaginationError.invalidCursor('malformed');
    if (this.#secret) {
      if (!tag || !this.#verify(body, tag)) throw PaginationError.invalidCursor('signature does not match');
    } else if (tag !== undefined) {
      throw PaginationError.invalidCursor('signed cursors are not accepted here');
    }
    const payload = parsePayload(body);
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

  #sign(body: string): string {
    return createHmac('sha256', this.#secret as string)
      .update(body)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }

  #verify(body: string, tag: string): boolean {
    const expected = Buffer.from(this.#sign(body));
    const actual = Buffer.from(tag);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

function parsePayload(body: string): CursorPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw PaginationError.invalidCursor('malformed');
  }
  const payload = parsed as Partial<CursorPayload> | null;
  if (typeof payload !== 'object' || payload === null || typeof payload.o !== 'string' || !Array.isArray(payload.k)) {
    throw PaginationError.invalidCursor('malformed');
  }
  if (payload.i !== undefined && payload.i !== 1) throw PaginationError.invalidCursor('malformed');
  return payload as CursorPayload;
}

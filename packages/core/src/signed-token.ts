import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque tokens a server hands out and must get back unchanged (cursors, checkpoints): base64url
 * JSON, followed by a truncated HMAC-SHA256 tag when a secret is configured.
 *
 * @example
 * ```ts
 * const tokens = new SignedTokens(process.env.SECRET);
 * const token = tokens.encode({ v: 1, at: 42 });
 * tokens.decode(token); // { ok: true, payload: { v: 1, at: 42 } }
 * ```
 */
export class SignedTokens {
  readonly #secret: string | undefined;

  constructor(secret?: string) {
    this.#secret = secret || undefined;
  }

  encode(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return this.#secret ? `${body}.${this.#sign(body)}` : body;
  }

  /** The payload, or why the token is refused (`malformed`, `signature`...), without throwing. */
  decode(token: string, maxLength = 4096): { ok: true; payload: unknown } | { ok: false; reason: string } {
    if (token.length === 0 || token.length > maxLength) return { ok: false, reason: 'empty or too long' };
    const [body, tag, extra] = token.split('.');
    if (extra !== undefined || !body || !/^[\w-]+$/.test(body)) return { ok: false, reason: 'malformed' };
    if (this.#secret && (!tag || !this.#verify(body, tag))) return { ok: false, reason: 'signature does not match' };
    if (!this.#secret && tag !== undefined) return { ok: false, reason: 'signed tokens are not accepted here' };
    try {
      return { ok: true, payload: JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
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

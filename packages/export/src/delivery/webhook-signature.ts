import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const webhookSignatureHeader = 'X-Sluice-Signature';

/**
 * Signs a webhook `body` sent at `timestamp` (unix seconds): HMAC-SHA256 with `secret` over
 * `${timestamp}.${body}`, as the value of {@link webhookSignatureHeader}.
 *
 * @example
 * const header = signWebhook(secret, JSON.stringify(payload), Math.floor(Date.now() / 1000)); // 't=1765100000,v1=3f2a…'
 */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /** How old (or how far ahead) a timestamp may be, in seconds (default 300): older ones are replays. */
  toleranceSeconds?: number;
  /** The current time in milliseconds (default `Date.now()`). */
  now?: number;
}

/**
 * What a webhook receiver calls on each request: true when `header` (the {@link webhookSignatureHeader})
 * signs exactly `body` (the raw request body, before any JSON parsing) with `secret`, and its timestamp
 * is within the tolerance, so a recorded request replayed later is refused. The comparison takes
 * constant time.
 *
 * @example
 * if (!verifyWebhookSignature(secret, request.headers['x-sluice-signature'], rawBody)) return reply.code(401).send();
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | undefined,
  body: string | Buffer,
  options: VerifyWebhookOptions = {},
): boolean {
  if (typeof header !== 'string') return false;
  const fields = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(fields.find(([name]) => name === 't')?.[1]);
  if (!Number.isSafeInteger(timestamp)) return false;
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  // Any v1 may match: a receiver keeps verifying while the sender rotates its secret.
  return fields
    .filter(([name, value]) => name === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value as string, 'hex'), expected));
}

function hmac(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

import type { ExportUser } from '../elements/export-context.ts';
import { DeliveryError } from './delivery-error.ts';
import { type DeliveryRequest, deliveriesSchema } from './delivery-request.ts';

/** Which deliveries an application accepts. Nothing is accepted by default. */
export interface DeliveryPolicy {
  /** E-mail deliveries are accepted (the application runs a delivery worker with a mailer). */
  email?: boolean;
  /**
   * Origins webhooks may be sent to (`https://hooks.example.com`); none by default, so a user cannot
   * make the server call an internal address (SSRF).
   */
  webhookAllowList?: readonly string[];
}

/** One accepted delivery, ready to be stored with its task. */
export interface PlannedDelivery {
  kind: DeliveryRequest['kind'];
  /** The e-mail address or the webhook URL. */
  target: string;
  attach: boolean;
}

/**
 * Whether `url` may receive webhooks under `allowList`: an http(s) URL without credentials whose origin
 * is one of the list's. Answers why not, or `null` when it may.
 */
export function webhookUrlRefusal(url: string, allowList: readonly string[]): string | null {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return 'not an http(s) URL';
  if (parsed.username || parsed.password) return 'a webhook URL may not carry credentials';
  const origins = allowList.flatMap((entry) => (URL.canParse(entry) ? [new URL(entry).origin] : []));
  return origins.includes(parsed.origin) ? null : `${parsed.origin} is not on this server's webhook allow-list`;
}

/**
 * Checks the `deliveries` of a task request against the application's `policy` for `user`, filling in
 * defaults (the caller's own address). Throws a {@link DeliveryError} (400) on anything it refuses.
 *
 * @example
 * planDeliveries([{ kind: 'email' }], { ...user, email: 'ann@example.com' }, { email: true }); // [{ kind: 'email', target: 'ann@example.com', attach: false }]
 */
export function planDeliveries(body: unknown, user: ExportUser, policy: DeliveryPolicy = {}): PlannedDelivery[] {
  if (body === undefined || body === null) return [];
  const parsed = deliveriesSchema.safeParse(body);
  if (!parsed.success) throw refusalOf(parsed.error.issues[0]);
  return parsed.data.map((delivery, index) => {
    if (delivery.kind === 'webhook') {
      const refusal = webhookUrlRefusal(delivery.url, policy.webhookAllowList ?? []);
      if (refusal) throw DeliveryError.urlNotAllowed(index, refusal);
      return { kind: 'webhook', target: delivery.url, attach: false };
    }
    if (!policy.email) throw DeliveryError.kindUnavailable(index, 'e-mail');
    const to = delivery.to ?? user.email;
    if (!to) throw DeliveryError.addressMissing(index);
    return { kind: 'email', target: to, attach: delivery.attach ?? false };
  });
}

/** The stable code of the first problem zod found: a bad address and a bad URL have their own. */
function refusalOf(issue: { path: PropertyKey[]; message: string } | undefined): DeliveryError {
  const path = issue?.path ?? [];
  const where = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  const index = typeof path[0] === 'number' ? path[0] : 0;
  if (path[1] === 'to') return DeliveryError.addressInvalid(index);
  if (path[1] === 'url') return DeliveryError.urlNotAllowed(index, 'not an http(s) URL');
  return DeliveryError.invalid(where, issue?.message ?? 'invalid');
}

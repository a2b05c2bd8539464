import { DeliveryFailure } from './delivery-failure.ts';
import { webhookUrlRefusal } from './delivery-policy.ts';
import { signWebhook, webhookSignatureHeader } from './webhook-signature.ts';

/** How webhooks are sent: the signing secret, the allowed origins, the answer timeout. */
export interface WebhookSettings {
  /** Signs every request (see {@link verifyWebhookSignature}); share it with the receivers. */
  secret: string;
  /** Origins webhooks may go to; checked again before each attempt, so removing one stops its deliveries. */
  allowList: readonly string[];
  /** A receiver that has not answered after this long fails the attempt (default 10 s). */
  timeoutMs?: number;
}

/** What a webhook tells its receiver: the task is done and where its file is. */
export interface WebhookPayload {
  taskId: number;
  status: string;
  fileName: string | null;
  downloadUrl: string;
  rowCount: number;
}

/**
 * POSTs `payload` as JSON to `url`, signed, with `X-Sluice-Delivery` naming the delivery (receivers can
 * drop a repeat after a lost answer). Any answer but 2xx, a timeout or a network error fails the attempt
 * with a {@link DeliveryFailure} in words. Redirects are not followed: they could lead off the allow-list.
 */
export async function sendWebhook(settings: WebhookSettings, url: string, payload: WebhookPayload, deliveryId: number): Promise<void> {
  const refusal = webhookUrlRefusal(url, settings.allowList);
  if (refusal) throw new DeliveryFailure(`Not sent: ${refusal}`, { permanent: true });
  const body = JSON.stringify(payload);
  const timeoutMs = settings.timeoutMs ?? 10_000;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'sluice-webhooks',
        'x-sluice-delivery': String(deliveryId),
        [webhookSignatureHeader]: signWebhook(settings.secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
  } catch (error) {
    throw new DeliveryFailure(networkFailure(error, timeoutMs), { cause: error });
  }
  // The answer's body is not needed; reading it off frees the connection.
  await response.body?.cancel().catch(() => {});
  if (response.status < 200 || response.status >= 300) {
    const what = response.status >= 300 && response.status < 400 ? ' (a redirect, which webhooks do not follow)' : '';
    throw new DeliveryFailure(`The receiver answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${what}`);
  }
}

function networkFailure(error: unknown, timeoutMs: number): string {
  if ((error as Error)?.name === 'TimeoutError') return `The receiver did not answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return `Could not reach the receiver: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
}

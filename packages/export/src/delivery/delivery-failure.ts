/**
 * Why one attempt of a delivery failed, in words a user reads on the task page. `permanent` failures
 * (the file expired, the target is no longer allowed) are not retried.
 */
export class DeliveryFailure extends Error {
  readonly permanent: boolean;

  constructor(message: string, options: { permanent?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryFailure';
    this.permanent = options.permanent ?? false;
  }
}

/** The words of any error thrown by an attempt (a network error's code says more than its message). */
export function failureText(error: unknown): string {
  if (error instanceof DeliveryFailure) return error.message;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

import type { SluiceMessages } from './messages.ts';
import { SluiceApiError } from './sluice-api-error.ts';
import { useSluice } from './sluice-provider.tsx';

/** The words for an error: ours when no server said anything, else the server's own message. */
function errorText(error: unknown, messages: SluiceMessages): string {
  if (error instanceof SluiceApiError) {
    if (error.code === 'NETWORK') return messages.networkError;
    if (error.code === `HTTP_${error.status}`) return messages.unexpectedAnswer({ status: error.status });
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * An error in words, announced to screen readers, with the server's stable code for support; renders
 * nothing without an error.
 *
 * @example
 * ```tsx
 * <ErrorNotice error={loadError} />
 * ```
 */
export function ErrorNotice({ error }: { error: unknown }) {
  const { messages } = useSluice();
  if (!error) return null;
  return (
    <p className="sluice-error" role="alert">
      {errorText(error, messages)}
      {error instanceof SluiceApiError ? <span className="sluice-error-code"> {messages.errorCode({ code: error.code })}</span> : null}
    </p>
  );
}

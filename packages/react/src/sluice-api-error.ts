import type { ErrorResponseBody, FieldIssue } from './server-types.ts';

/** The server's error, `{error:{code,message,details}}`. */
type ErrorFields = ErrorResponseBody['error'];

/**
 * An answer of a sluice route that was not 2xx, carrying the server's stable `code`, its `message` in
 * words and its `details`. A call that reached no server has the code `NETWORK` and status 0; an answer
 * without the JSON error shape has the code `HTTP_<status>`.
 *
 * @example
 * ```ts
 * try {
 *   await client.checkExport(request);
 * } catch (error) {
 *   if (error instanceof SluiceApiError) for (const issue of error.issues) show(issue.path, issue.message);
 * }
 * ```
 */
export class SluiceApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, error: ErrorFields) {
    super(error.message);
    this.name = 'SluiceApiError';
    this.status = status;
    this.code = error.code;
    this.details = error.details;
  }

  /** No server answered (offline, refused, DNS). */
  static network(): SluiceApiError {
    return new SluiceApiError(0, { code: 'NETWORK', message: 'The server cannot be reached. Check your connection and try again.' });
  }

  /** The error of a non-2xx answer: the server's own when it sent one, else its status. */
  static async fromResponse(response: Response): Promise<SluiceApiError> {
    const body = (await response.json().catch(() => null)) as Partial<ErrorResponseBody> | null;
    const error = body?.error ?? { code: `HTTP_${response.status}`, message: `The server answered ${response.status} ${response.statusText}.` };
    return new SluiceApiError(response.status, error);
  }

  /** Field problems a server validation reported (`details.issues`), each with its dotted path. */
  get issues(): FieldIssue[] {
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    return Array.isArray(issues) ? (issues as FieldIssue[]) : [];
  }
}

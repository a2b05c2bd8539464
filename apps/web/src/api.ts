/** An answer of the API that was not 2xx: its stable code and message, in words. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field problems a server validation reported, as `{path, message}`. */
  get issues(): { path: string; message: string }[] {
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    return Array.isArray(issues) ? (issues as { path: string; message: string }[]) : [];
  }
}

/** Told when any call answers 401, so the app can show the login page. */
let onUnauthenticated = () => {};
export function whenUnauthenticated(listener: () => void): void {
  onUnauthenticated = listener;
}

/** Calls the API with the session cookie; JSON in, JSON (or a `Response` with `raw`) out. */
export async function api<T>(method: string, path: string, body?: unknown, options: { raw?: boolean; signal?: AbortSignal } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    const answer = (await response.json().catch(() => null)) as { error?: { code: string; message: string; details?: unknown } } | null;
    const error = answer?.error ?? { code: `HTTP_${response.status}`, message: `The server answered ${response.status} ${response.statusText}.` };
    if (response.status === 401 && path !== '/api/login') onUnauthenticated();
    throw new ApiError(response.status, error.code, error.message, error.details);
  }
  if (options.raw) return response as T;
  return (response.status === 204 ? null : await response.json()) as T;
}

/** A page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  previousCursor: string | null;
  hasNext: boolean;
  hasPrevious: boolean;
}

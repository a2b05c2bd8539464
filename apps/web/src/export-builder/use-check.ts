import { useEffect, useState } from 'react';
import { ApiError, api } from '../api.ts';

export interface CheckState {
  /** The request in sentences, from the server (the last valid version while the current one is not, or is being checked). */
  description: string[];
  formatter: string;
  issues: { path: string; message: string }[];
  error: unknown;
  valid: boolean;
}

/** Validates `request` on the server as the user edits it (debounced), without running it. */
export function useCheck(request: unknown | null): CheckState {
  const [state, setState] = useState<CheckState & { of: string | null }>({ description: [], formatter: '', issues: [], error: null, valid: false, of: null });
  const body = request === null ? null : JSON.stringify(request);
  useEffect(() => {
    if (body === null) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<{ description: string[]; formatter: string }>('POST', '/api/exports/check', JSON.parse(body), { signal: controller.signal }).then(
        (answer) => setState({ ...answer, issues: [], error: null, valid: true, of: body }),
        (error: unknown) => {
          if ((error as Error).name === 'AbortError') return;
          const issues = error instanceof ApiError ? error.issues : [];
          setState((previous) => ({ ...previous, issues, error: issues.length > 0 ? null : error, valid: false, of: body }));
        },
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body]);
  // Until the answer for this very request arrives, the sentence shown is an earlier one.
  return { ...state, valid: state.valid && state.of === body };
}

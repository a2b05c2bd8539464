import { useEffect, useState } from 'react';
import type { ExportRequestInput, FieldIssue } from '../server-types.ts';
import { SluiceApiError } from '../sluice-api-error.ts';
import { useSluice } from '../sluice-provider.tsx';

/** The server's verdict on the request being edited. */
export interface ExportCheckState {
  /** The request in sentences: the last valid version's while the current one is invalid or being checked. */
  description: string[];
  formatter: string;
  issues: FieldIssue[];
  error: unknown;
  /** True only once the answer for this very request has arrived. */
  valid: boolean;
}

/** How long typing must pause before the request is checked, so each keystroke is not a request. */
const debounceMs = 250;

/** Validates `request` on the server as the user edits it, without running it. */
export function useExportCheck(request: ExportRequestInput | null): ExportCheckState {
  const { client } = useSluice();
  const [state, setState] = useState<ExportCheckState & { of: string | null }>({
    description: [],
    formatter: '',
    issues: [],
    error: null,
    valid: false,
    of: null,
  });
  const body = request === null ? null : JSON.stringify(request);
  useEffect(() => {
    if (body === null) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      client.checkExport(JSON.parse(body), { signal: controller.signal }).then(
        (answer) => setState({ ...answer, issues: [], error: null, valid: true, of: body }),
        (error: unknown) => {
          if ((error as Error).name === 'AbortError') return;
          const issues = error instanceof SluiceApiError ? error.issues : [];
          setState((previous) => ({ ...previous, issues, error: issues.length > 0 ? null : error, valid: false, of: body }));
        },
      );
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body, client]);
  return { ...state, valid: state.valid && state.of === body };
}

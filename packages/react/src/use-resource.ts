import { useCallback, useEffect, useRef, useState } from 'react';

/** A loaded value, the error of its last load, and a way to load it again. */
export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` whenever `key` changes (null: not yet), aborting the previous load and keeping its data on
 * screen until the next one arrives, so nothing jumps while a page reloads. The screens load with it;
 * so can an app's own pages.
 *
 * @example
 * ```tsx
 * const orders = useResource(`/api/orders?limit=${limit}`, (signal) => client.request<Page<Order>>('GET', `/api/orders?limit=${limit}`, undefined, { signal }));
 * ```
 */
export function useResource<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: key !== null });
  const [round, setRound] = useState(0);
  // The loader is a new closure on every render; the key alone says when to load again.
  const latest = useRef(load);
  latest.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` is how `reload` asks for the same key again.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    latest.current(controller.signal).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => {
        if ((error as Error).name !== 'AbortError') setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

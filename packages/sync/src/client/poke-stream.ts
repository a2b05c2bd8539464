/** How a client reaches the sync routes. */
export interface SyncEndpoint {
  /** Where the sync routes are mounted, e.g. `https://example.com/api/sync`. */
  url: string;
  /** Headers of every request (e.g. `authorization`), read again for each request so a refreshed token is used. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** `fetch` to use (default the global one). */
  fetch?: typeof fetch;
}

/** Options of {@link watchPokes}. */
export interface WatchOptions extends SyncEndpoint {
  /** Mappings to hear of (default every one the user may sync). */
  mappings?: readonly string[];
  /** Partial sync: hear only of changes in these of the user's scopes (default all of them). */
  scopes?: readonly string[];
  /** Called on every poke: pull now. (Pull once yourself when you start: a poke means a change since then.) */
  onPoke(watermark: number, mappings: string[]): void;
  /** Stops watching. */
  signal?: AbortSignal;
  /** Wait before reconnecting after a failure, growing to `maxRetryMs` (default 500 ms, then 15 s). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** One server-sent event. */
interface ServerEvent {
  event: string;
  id: string | null;
  data: string;
}

/** Splits an event stream into events (the text/event-stream format: fields, blank line between events). */
async function* serverEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: ServerEvent = { event: 'message', id: null, data: '' };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n');
    while (end >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line === '') {
        if (event.data !== '' || event.event !== 'message') yield event;
        event = { event: 'message', id: null, data: '' };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const [field, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') event.data = event.data === '' ? value : `${event.data}\n${value}`;
      }
      end = buffer.indexOf('\n');
    }
  }
}

/**
 * Watches the live stream (`GET <url>/stream`) and calls `onPoke` when changes the user may sync pass the
 * server's watermark, so a client pulls only then instead of polling. Reconnects after a failure with
 * growing waits, resuming from the last event id: changes committed while away poke at once. Works in
 * browsers and Node alike (it reads the stream with `fetch`, so it can send an `authorization` header,
 * which `EventSource` cannot).
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * watchPokes({ url: '/api/sync', headers: () => ({ authorization: `Bearer ${token}` }), onPoke: () => void synchronizeNow(), signal: stop.signal });
 * ```
 */
export async function watchPokes(options: WatchOptions): Promise<void> {
  const request = options.fetch ?? fetch;
  const query = new URLSearchParams();
  if (options.mappings) query.set('mappings', options.mappings.join(','));
  if (options.scopes) query.set('scopes', options.scopes.join(','));
  let lastId: string | null = null;
  let wait = options.retryMs ?? 500;
  while (!options.signal?.aborted) {
    try {
      const headers = { accept: 'text/event-stream', ...(await options.headers?.()), ...(lastId ? { 'last-event-id': lastId } : {}) };
      const response = await request(`${options.url}/stream${query.size > 0 ? `?${query}` : ''}`, { headers, signal: options.signal });
      if (!response.ok || !response.body) throw new Error(`the sync stream answered ${response.status}`);
      for await (const event of serverEvents(response.body)) {
        if (event.id !== null) lastId = event.id;
        wait = options.retryMs ?? 500;
        if (event.event === 'poke') {
          const { watermark, mappings = [] } = JSON.parse(event.data) as { watermark: number; mappings?: string[] };
          options.onPoke(watermark, mappings);
        }
      }
    } catch {
      // The server went away or refused: try again after a while (or stop, if asked to).
      if (options.signal?.aborted) return;
    }
    await new Promise((wake) => setTimeout(wake, wait));
    wait = Math.min(wait * 2, options.maxRetryMs ?? 15_000);
  }
}

import type { EventSourceClass } from '../src/task-events.ts';

/** One `event:`/`data:` block of a text/event-stream, as an event of that name. */
function parseBlock(block: string): MessageEvent | null {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  return data.length > 0 ? new MessageEvent(name, { data: data.join('\n') }) : null;
}

/**
 * Node has no EventSource without a flag: a small one over fetch, sending `headers` (the browser's sends
 * cookies instead). Like the browser's, it reports `error` when the server closes the stream, and
 * records whether it was closed, so a test can tell that the client closed it.
 */
export function fetchEventSource(headers: Record<string, string>): { EventSource: EventSourceClass; opened: { url: string; closed: boolean }[] } {
  const opened: { url: string; closed: boolean }[] = [];
  class FetchEventSource extends EventTarget {
    readonly #state: { url: string; closed: boolean };
    readonly #abort = new AbortController();

    constructor(url: string) {
      super();
      this.#state = { url, closed: false };
      opened.push(this.#state);
      void this.#read();
    }

    close(): void {
      this.#state.closed = true;
      this.#abort.abort();
    }

    async #read(): Promise<void> {
      try {
        const response = await fetch(this.#state.url, { headers, signal: this.#abort.signal });
        let buffer = '';
        for await (const chunk of (response.body ?? new ReadableStream()).pipeThrough(new TextDecoderStream())) {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const event = parseBlock(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (event && !this.#state.closed) this.dispatchEvent(event);
          }
        }
      } catch {
        // An abort by close() ends the stream quietly; anything else is reported below.
      }
      if (!this.#state.closed) this.dispatchEvent(new Event('error'));
    }
  }
  return { EventSource: FetchEventSource as unknown as EventSourceClass, opened };
}

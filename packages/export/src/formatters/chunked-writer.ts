import { once } from 'node:events';
import type { Writable } from 'node:stream';

const chunkSize = 64 * 1024;

/**
 * Collects text and writes it in 64 KiB chunks, waiting when the destination is full: one write per
 * row would cost more than formatting the row.
 */
export class ChunkedWriter {
  readonly #out: Writable;
  #buffer = '';

  constructor(out: Writable) {
    this.#out = out;
  }

  async write(text: string): Promise<void> {
    this.#buffer += text;
    if (this.#buffer.length >= chunkSize) await this.flush();
  }

  /** Bytes already encoded, written after whatever text is buffered. */
  async writeBytes(bytes: Buffer): Promise<void> {
    await this.flush();
    if (!this.#out.write(bytes)) await once(this.#out, 'drain');
  }

  async flush(): Promise<void> {
    const chunk = this.#buffer;
    this.#buffer = '';
    if (chunk.length > 0 && !this.#out.write(chunk)) await once(this.#out, 'drain');
  }

  async end(): Promise<void> {
    await this.flush();
    this.#out.end();
  }
}

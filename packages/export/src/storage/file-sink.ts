import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { SinkCheckpoint, TaskSink } from './task-storage.ts';

/**
 * A writable over an open file that knows how many bytes it holds and can make them durable: what a
 * checkpoint records must survive the process being killed right after.
 */
export class FileSink extends Writable implements TaskSink {
  readonly #handle: FileHandle;
  #position: number;

  constructor(handle: FileHandle, position: number) {
    super({ highWaterMark: 256 * 1024 });
    this.#handle = handle;
    this.#position = position;
  }

  /** Bytes in the file, counting only writes that reached it. */
  get position(): number {
    return this.#position;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#append([chunk]).then(() => callback(), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#append(chunks.map((entry) => entry.chunk)).then(() => callback(), callback);
  }

  async #append(buffers: Buffer[]): Promise<void> {
    const data = buffers.length === 1 ? (buffers[0] as Buffer) : Buffer.concat(buffers);
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await this.#handle.write(data, done, data.length - done, this.#position);
      done += bytesWritten;
      this.#position += bytesWritten;
    }
  }

  /** A local file can always be made durable. */
  readonly canSync = true;

  /** Waits until everything written so far reached the file, then fsyncs it; returns the durable length. */
  async sync(): Promise<SinkCheckpoint> {
    await new Promise<void>((done, fail) => this.write(Buffer.alloc(0), (error) => (error ? fail(error) : done())));
    await this.#handle.sync();
    return { bytes: this.#position };
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#handle.sync().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { constants, crc32, createDeflateRaw, type DeflateRaw, type ZlibOptions } from 'node:zlib';

const u32 = 0xffff_ffff;

/** One entry as far as it is written. */
export interface ZipEntryState {
  name: string;
  offset: number;
  crc: number;
  compressedSize: number;
  size: number;
  method: 0 | 8;
}

/** Where a zip stands after {@link ZipWriter.checkpoint}: enough to continue it in another process. */
export interface ZipState {
  position: number;
  entries: ZipEntryState[];
  open: ZipEntryState | null;
}

/** Bytes collected before they go to the compressor: one call per chunk, not per row. */
const chunkSize = 64 * 1024;
/** The most bytes the compressor may have queued before a writer waits. */
const inFlightHigh = 4 * 1024 * 1024;

/**
 * A streaming zip writer whose output can be continued by another process after a checkpoint.
 * Written here because no zip library can: a checkpoint ends the deflate data so far with a full
 * flush (byte-aligned, no back-references past it, no final block), so a fresh compressor started by
 * the next process appends a valid continuation, and the rest of the state is counters (offsets,
 * CRC-32 via zlib's native crc32, sizes). Zip64 records are added only when sizes or offsets need them.
 */
export class ZipWriter {
  readonly #out: Writable;
  readonly #entries: ZipEntryState[];
  #open: ZipEntryState | null = null;
  #deflate: DeflateRaw | null = null;
  #position: number;
  readonly #level: number;
  // Text is encoded as it arrives into this buffer, never joined into one big string first: building
  // and encoding a page's string (a rope of 5,000 rows) cost 17% of an XLSX export.
  #pending = Buffer.allocUnsafe(2 * chunkSize);
  #used = 0;
  /** Bytes handed to the compressor that it has not read yet, and who waits for them to drop. */
  #inFlight = 0;
  #waiting: ((error?: Error) => void) | null = null;

  /** `state` continues a zip from a checkpoint; `level` is zlib's (any level continues any other). */
  constructor(out: Writable, options: { state?: ZipState; level?: number } = {}) {
    const { state } = options;
    this.#out = out;
    this.#level = options.level ?? constants.Z_DEFAULT_COMPRESSION;
    this.#entries = state ? [...state.entries] : [];
    this.#position = state?.position ?? 0;
    if (state?.open) this.#openEntry({ ...state.open });
  }

  /** Writes in order; waits only for back-pressure. */
  async #emit(chunk: Buffer): Promise<void> {
    this.#position += chunk.length;
    if (!this.#out.write(chunk)) await once(this.#out, 'drain');
  }

  #localHeader(name: Buffer, method: 0 | 8, crc: number, size: number, streamed: boolean): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(streamed ? 45 : 20, 4);
    // Bit 3: sizes follow the data; bit 11: UTF-8 names.
    header.writeUInt16LE((streamed ? 0x0008 : 0) | 0x0800, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00, the zip epoch: files are reproducible
    header.writeUInt32LE(streamed ? 0 : crc, 14);
    header.writeUInt32LE(streamed ? 0 : size, 18);
    header.writeUInt32LE(streamed ? 0 : size, 22);
    header.writeUInt16LE(name.length, 26);
    return Buffer.concat([header, name]);
  }

  /** A small entry stored as is (e.g. ODS's `mimetype`, which must not be compressed). */
  async addStored(name: string, data: Buffer): Promise<void> {
    const entry: ZipEntryState = { name, offset: this.#position, crc: crc32(data), compressedSize: data.length, size: data.length, method: 0 };
    await this.#emit(this.#localHeader(Buffer.from(name), 0, entry.crc, entry.size, false));
    await this.#emit(data);
    this.#entries.push(entry);
  }

  /** A whole entry from memory, deflated. */
  async addDeflated(name: string, text: string): Promise<void> {
    await this.startEntry(name);
    await this.write(text);
    await this.endEntry();
  }

  /** Opens a streamed, deflated entry; {@link write} feeds it until {@link endEntry}. */
  async startEntry(name: string): Promise<void> {
    if (this.#open) throw new Error(`zip entry ${this.#open.name} is still open`);
    const entry: ZipEntryState = { name, offset: this.#position, crc: 0, compressedSize: 0, size: 0, method: 8 };
    await this.#emit(this.#localHeader(Buffer.from(name), 8, 0, 0, true));
    this.#openEntry(entry);
  }

  #openEntry(entry: ZipEntryState): void {
    this.#open = entry;
    // Room for a few chunks, so compression (on the thread pool) overlaps formatting the next ones. Its
    // output in 256 KiB pieces: with zlib's 16 KiB, deflating 400 MB of sheet XML took 1.6 s, with 256 KiB
    // 0.75 s (more round trips to the thread pool, each with a call that stops when its output is full).
    const deflate = createDeflateRaw({ chunkSize: 4 * chunkSize, level: this.#level } as ZlibOptions);
    // Compressed bytes go straight on; the compressor pauses while the output is full.
    deflate.on('data', (chunk: Buffer) => {
      entry.compressedSize += chunk.length;
      this.#position += chunk.length;
      if (!this.#out.write(chunk)) {
        deflate.pause();
        this.#out.once('drain', () => deflate.resume());
      }
    });
    this.#deflate = deflate;
  }

  async write(text: string): Promise<void> {
    if (this.append(text)) await this.flush();
  }

  /** Adds text to the open entry without waiting; true once a chunk's worth waits for {@link flush}. */
  append(text: string): boolean {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 > this.#pending.length - this.#used) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.#pending.length, this.#used + text.length * 3));
      this.#pending.copy(bigger, 0, 0, this.#used);
      this.#pending = bigger;
    }
    this.#used += this.#pending.write(text, this.#used);
    return this.#used >= chunkSize;
  }

  /**
   * Bytes already encoded, into the open entry after the text appended so far. The compressor keeps them
   * until it has read them, and then calls `read` (so the caller can fill them again).
   */
  async writeBytes(bytes: Buffer, read?: () => void): Promise<void> {
    await this.flush();
    await this.#compress(bytes, read);
  }

  /** Hands the text appended so far to the compressor. */
  async flush(): Promise<void> {
    if (!this.#open) throw new Error('no open zip entry');
    if (this.#used === 0) return;
    // The compressor keeps the bytes it is given: the next text goes to a new buffer.
    const data = this.#pending.subarray(0, this.#used);
    this.#pending = Buffer.allocUnsafe(2 * chunkSize);
    this.#used = 0;
    await this.#compress(data);
  }

  /**
   * Hands bytes to the compressor, waiting while more than {@link inFlightHigh} wait there, until half
   * of that is left: a stream's `drain` comes only once all is read, so formatting and compressing
   * would take turns instead of overlapping (an ODS export's main thread sat idle 45% of its time).
   */
  async #compress(data: Buffer, read?: () => void): Promise<void> {
    const entry = this.#open;
    const deflate = this.#deflate;
    if (!entry || !deflate) throw new Error('no open zip entry');
    entry.crc = crc32(data, entry.crc);
    entry.size += data.length;
    this.#inFlight += data.length;
    deflate.write(data, (error) => {
      this.#inFlight -= data.length;
      read?.();
      const waiting = this.#waiting;
      if (waiting && (error || this.#inFlight <= inFlightHigh / 2)) {
        this.#waiting = null;
        waiting(error ?? undefined);
      }
    });
    if (this.#inFlight > inFlightHigh)
      await new Promise<void>((resolve, reject) => {
        this.#waiting = (error) => (error ? reject(error) : resolve());
      });
  }

  /** Waits until the compressor has handed every byte it produced to the output. */
  async #drained(deflate: DeflateRaw): Promise<void> {
    while (deflate.readableLength > 0) await once(deflate, 'data');
  }

  /** Ends the open entry with its data descriptor. */
  async endEntry(): Promise<void> {
    const entry = this.#open;
    const deflate = this.#deflate;
    if (!entry || !deflate) throw new Error('no open zip entry');
    await this.flush();
    const ended = once(deflate, 'end');
    deflate.end();
    await ended;
    if (this.#out.writableNeedDrain) await once(this.#out, 'drain');
    const zip64 = entry.size >= u32 || entry.compressedSize >= u32;
    const descriptor = Buffer.alloc(zip64 ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc, 4);
    if (zip64) {
      descriptor.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
      descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
    } else {
      descriptor.writeUInt32LE(entry.compressedSize, 8);
      descriptor.writeUInt32LE(entry.size, 12);
    }
    await this.#emit(descriptor);
    this.#entries.push(entry);
    this.#open = null;
    this.#deflate = null;
  }

  /**
   * Ends the compressed data so far with a full flush and waits until every byte was handed to the
   * output; returns the state to continue from once the output holds those bytes durably.
   */
  async checkpoint(): Promise<ZipState> {
    const deflate = this.#deflate;
    if (deflate) {
      await this.flush();
      await new Promise<void>((done) => deflate.flush(constants.Z_FULL_FLUSH, () => done()));
      await this.#drained(deflate);
    }
    return { position: this.#position, entries: this.#entries.map((e) => ({ ...e })), open: this.#open ? { ...this.#open } : null };
  }

  /** Writes the central directory and ends the output. */
  async finish(): Promise<void> {
    if (this.#open) await this.endEntry();
    const start = this.#position;
    const records: Buffer[] = [];
    for (const entry of this.#entries) {
      const name = Buffer.from(entry.name);
      const big = [entry.size, entry.compressedSize, entry.offset].map((n) => n >= u32);
      const extraValues = [entry.size, entry.compressedSize, entry.offset].filter((_, i) => big[i]);
      const extra = Buffer.alloc(extraValues.length > 0 ? 4 + 8 * extraValues.length : 0);
      if (extraValues.length > 0) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8 * extraValues.length, 2);
        for (const [i, value] of extraValues.entries()) extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i);
      }
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(45, 4);
      record.writeUInt16LE(entry.method === 8 ? 45 : 20, 6);
      record.writeUInt16LE((entry.method === 8 ? 0x0008 : 0) | 0x0800, 8);
      record.writeUInt16LE(entry.method, 10);
      record.writeUInt32LE(0x00210000, 12);
      record.writeUInt32LE(entry.crc, 16);
      record.writeUInt32LE(big[1] ? u32 : entry.compressedSize, 20);
      record.writeUInt32LE(big[0] ? u32 : entry.size, 24);
      record.writeUInt16LE(name.length, 28);
      record.writeUInt16LE(extra.length, 30);
      record.writeUInt32LE(big[2] ? u32 : entry.offset, 42);
      records.push(record, name, extra);
    }
    const directory = Buffer.concat(records);
    await this.#emit(directory);
    const end = this.#position;
    const count = this.#entries.length;
    if (start >= u32 || directory.length >= u32 || count >= 0xffff) {
      const zip64End = Buffer.alloc(56);
      zip64End.writeUInt32LE(0x06064b50, 0);
      zip64End.writeBigUInt64LE(44n, 4);
      zip64End.writeUInt16LE(45, 12);
      zip64End.writeUInt16LE(45, 14);
      zip64End.writeBigUInt64LE(BigInt(count), 24);
      zip64End.writeBigUInt64LE(BigInt(count), 32);
      zip64End.writeBigUInt64LE(BigInt(directory.length), 40);
      zip64End.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(end), 8);
      locator.writeUInt32LE(1, 16);
      await this.#emit(Buffer.concat([zip64End, locator]));
    }
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(Math.min(count, 0xffff), 8);
    eocd.writeUInt16LE(Math.min(count, 0xffff), 10);
    eocd.writeUInt32LE(Math.min(directory.length, u32), 12);
    eocd.writeUInt32LE(Math.min(start, u32), 16);
    await this.#emit(eocd);
    this.#out.end();
  }
}

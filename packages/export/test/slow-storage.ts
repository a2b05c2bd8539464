import type { Writable } from 'node:stream';
import { DirectoryTaskStorage, type TaskSink, type TaskStorage } from '../src/index.ts';

/**
 * Delays every write of `sink` by `msPerKiB` per KiB (at least one): the pace then depends on the bytes
 * written, not on how a formatter or PostgreSQL's COPY happens to cut them into chunks.
 */
function slowDown<T extends Writable>(sink: T, msPerKiB: number): T {
  const delay = (bytes: number) => msPerKiB * Math.max(1, bytes / 1024);
  const write = sink._write.bind(sink);
  const writev = sink._writev?.bind(sink);
  sink._write = (chunk: Buffer, encoding, callback) => {
    setTimeout(() => write(chunk, encoding, callback), delay(chunk.length));
  };
  if (writev) {
    sink._writev = (chunks, callback) => {
      setTimeout(() => writev(chunks, callback), delay(chunks.reduce((sum, { chunk }) => sum + (chunk as Buffer).length, 0)));
    };
  }
  return sink;
}

/** Task files in `directory`, written at `msPerKiB`, so a test can act while a task runs. */
export function slowDirectory(directory: string, msPerKiB: number): TaskStorage {
  const storage = new DirectoryTaskStorage(directory);
  return {
    create: (taskId, extension) => storage.create(taskId, extension),
    openForWriting: async (key, from): Promise<TaskSink> => slowDown(await storage.openForWriting(key, from), msPerKiB),
    read: (key) => storage.read(key),
    size: (key) => storage.size(key),
    remove: (key) => storage.remove(key),
  };
}

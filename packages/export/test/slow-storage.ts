import type { Writable } from 'node:stream';
import { DirectoryTaskStorage, type TaskSink, type TaskStorage } from '../src/index.ts';

/** How long a write of `bytes` takes. */
export type Pace = (bytes: number) => number;

/** `ms` per KiB (at least one): the pace depends on the bytes, not on how a formatter or COPY cuts them. */
export const perKiB =
  (ms: number): Pace =>
  (bytes) =>
    ms * Math.max(1, bytes / 1024);

/** `ms` per chunk, whatever its size. */
export const perChunk =
  (ms: number): Pace =>
  () =>
    ms;

function slowDown<T extends Writable>(sink: T, pace: Pace): T {
  const write = sink._write.bind(sink);
  const writev = sink._writev?.bind(sink);
  sink._write = (chunk: Buffer, encoding, callback) => {
    setTimeout(() => write(chunk, encoding, callback), pace(chunk.length));
  };
  if (writev) {
    sink._writev = (chunks, callback) => {
      setTimeout(() => writev(chunks, callback), pace(chunks.reduce((sum, { chunk }) => sum + (chunk as Buffer).length, 0)));
    };
  }
  return sink;
}

/** Any storage whose writes take their time, so a test can act (cancel, kill, photograph) while a task runs. */
export function slowed(storage: TaskStorage, pace: Pace): TaskStorage {
  return {
    create: (taskId, extension) => storage.create(taskId, extension),
    openForWriting: async (key, from): Promise<TaskSink> => slowDown(await storage.openForWriting(key, from), pace),
    read: (key) => storage.read(key),
    size: (key) => storage.size(key),
    remove: (key) => storage.remove(key),
  };
}

/** Task files in `directory`, written at `msPerKiB`. */
export function slowDirectory(directory: string, msPerKiB: number): TaskStorage {
  return slowed(new DirectoryTaskStorage(directory), perKiB(msPerKiB));
}

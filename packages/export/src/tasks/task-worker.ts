import type { ExportTask } from './export-task-entity.ts';
import type { TaskProgress } from './task-execution.ts';

/** What every kind of worker takes: how many tasks at once, and what to tell of them. */
export interface WorkerBasics {
  /** Tasks run at the same time (default 1). */
  concurrency?: number;
  onTaskEnd?: (task: ExportTask) => void;
  onProgress?: (progress: TaskProgress) => void;
  onError?: (error: unknown) => void;
}

/** What both kinds of worker (polling, BullMQ) do: take tasks until stopped. */
export interface TaskWorker {
  start(): this;
  /** Waits for running tasks to end, or with `interrupt` to their next batch (then requeued, no attempt used). */
  stop(options?: { interrupt?: boolean }): Promise<void>;
}

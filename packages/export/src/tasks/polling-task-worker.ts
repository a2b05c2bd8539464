import type { TaskDispatcher } from './export-task-config.ts';
import type { ExportTaskRunner } from './export-task-runner.ts';
import type { TaskWorker, WorkerBasics } from './task-worker.ts';

/** Options of {@link PollingTaskWorker}. */
export interface TaskWorkerOptions extends WorkerBasics {
  /** How often the database is polled for due tasks when nothing woke the worker (default 1 s). */
  pollMs?: number;
  /** How often expired leases are reaped (default 5 s). */
  reapMs?: number;
}

/**
 * Runs queued tasks as they become due, polling the database (the source of truth) and woken at once
 * by {@link dispatch} when a task is created in the same process. This is the embedded default, and
 * what `sluice export:worker` runs without Redis.
 *
 * @example
 * ```ts
 * const worker = new PollingTaskWorker(new ExportTaskRunner(taskConfig), { concurrency: 1 }).start();
 * const service = new ExportTaskService({ ...taskConfig, dispatcher: worker }); // new tasks wake it at once
 * ```
 */
export class PollingTaskWorker implements TaskDispatcher, TaskWorker {
  readonly #runner: ExportTaskRunner;
  readonly #options: Required<Omit<TaskWorkerOptions, 'onTaskEnd' | 'onProgress' | 'onError'>> & TaskWorkerOptions;
  readonly #running = new Set<Promise<unknown>>();
  readonly #interrupt = new AbortController();
  #stopped = true;
  #wake: () => void = () => {};
  #loop: Promise<void> | null = null;
  #lastReap = 0;

  constructor(runner: ExportTaskRunner, options: TaskWorkerOptions = {}) {
    this.#runner = runner;
    this.#options = { concurrency: 1, pollMs: 1_000, reapMs: 5_000, ...options };
  }

  start(): this {
    if (!this.#stopped) return this;
    this.#stopped = false;
    this.#loop = this.#run();
    return this;
  }

  /** Wakes the worker for a task that became due (now or after `delayMs`). */
  dispatch(_taskId: number, delayMs = 0): void {
    if (delayMs > 0) setTimeout(() => this.#wake(), delayMs).unref();
    else this.#wake();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (Date.now() - this.#lastReap >= this.#options.reapMs) {
          this.#lastReap = Date.now();
          await this.#runner.reap();
        }
        while (!this.#stopped && this.#running.size < this.#options.concurrency) {
          const task = await this.#runner.claimNext();
          if (!task) break;
          const run = this.#runner
            .run(task, { onProgress: this.#options.onProgress, signal: this.#interrupt.signal })
            .then((ended) => this.#options.onTaskEnd?.(ended))
            .catch((error: unknown) => this.#options.onError?.(error))
            .finally(() => {
              this.#running.delete(run);
              this.#wake();
            });
          this.#running.add(run);
        }
      } catch (error) {
        this.#options.onError?.(error);
      }
      if (this.#stopped) break;
      await new Promise<void>((wake) => {
        this.#wake = wake;
        setTimeout(wake, this.#options.pollMs).unref();
      });
    }
  }

  /**
   * Stops claiming and waits for running tasks: to their end, or with `interrupt` to their next batch,
   * after which they are requeued (lists keep their checkpoint) without using an attempt.
   */
  async stop(options: { interrupt?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    this.#wake();
    if (options.interrupt) this.#interrupt.abort();
    await this.#loop;
    await Promise.all(this.#running);
  }
}

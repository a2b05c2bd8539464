import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type BullmqTaskDispatcher, connect, defaultExportQueue, type TaskJob } from './bullmq-task-dispatcher.ts';
import { ExportTask } from './export-task-entity.ts';
import { ExportTaskError } from './export-task-error.ts';
import type { ExportTaskRunner } from './export-task-runner.ts';
import type { TaskWorker, WorkerBasics } from './task-worker.ts';

/** Options of {@link BullmqTaskWorker}. */
export interface BullmqWorkerOptions extends WorkerBasics {
  queueName?: string;
  /**
   * How often the worker reaps expired leases and re-sends jobs for due tasks that waited that long,
   * e.g. created while Redis was down (default 15 s).
   */
  sweepMs?: number;
}

/**
 * `sluice export:worker` on Redis: takes jobs from the queue and runs their tasks through the runner,
 * whose atomic claim makes any number of these workers, on any machines, safe together.
 *
 * @example
 * ```ts
 * const worker = new BullmqTaskWorker(new ExportTaskRunner(taskConfig), { connection: new Redis(url, { maxRetriesPerRequest: null }), concurrency: 2 }).start();
 * process.once('SIGTERM', () => worker.stop({ interrupt: true })); // running tasks checkpoint and go back to the queue
 * ```
 */
export class BullmqTaskWorker implements TaskWorker {
  readonly #runner: ExportTaskRunner;
  readonly #interrupt = new AbortController();
  readonly #dispatcher: BullmqTaskDispatcher;
  readonly #options: BullmqWorkerOptions;
  readonly #redis: Redis;
  #worker: Worker<TaskJob> | null = null;
  #sweeper: NodeJS.Timeout | null = null;

  /** `runner` should dispatch through `dispatcher`, so retries and requeues come back as jobs. */
  constructor(runner: ExportTaskRunner, dispatcher: BullmqTaskDispatcher, redisUrl: string, options: BullmqWorkerOptions = {}) {
    this.#runner = runner;
    this.#dispatcher = dispatcher;
    this.#options = options;
    this.#redis = connect(redisUrl);
  }

  async #process(job: Job<TaskJob>): Promise<void> {
    let task: ExportTask;
    try {
      task = await this.#runner.claim(job.data.taskId);
    } catch (error) {
      // Already taken, ended or gone: the row is the truth and this job was a stale reminder.
      if (error instanceof ExportTaskError && error.code === 'EXPORT_TASK_NOT_CLAIMABLE') return;
      throw error;
    }
    const ended = await this.#runner.run(task, { onProgress: this.#options.onProgress, signal: this.#interrupt.signal });
    this.#options.onTaskEnd?.(ended);
  }

  async #sweep(): Promise<void> {
    await this.#runner.reap();
    const sweepMs = this.#options.sweepMs ?? 15_000;
    const em = this.#runner.config.em.fork();
    const before = new Date(Date.now() - sweepMs);
    const waiting = await em.find(ExportTask, { status: 'queued', runAfter: { $lte: before }, updatedAt: { $lte: before } }, { fields: ['id'], limit: 1_000 });
    for (const task of waiting) await this.#dispatcher.dispatch(task.id);
  }

  start(): this {
    this.#worker = new Worker<TaskJob>(this.#options.queueName ?? defaultExportQueue, (job) => this.#process(job), {
      connection: this.#redis,
      concurrency: this.#options.concurrency ?? 1,
    });
    this.#worker.on('error', (error) => this.#options.onError?.(error));
    this.#worker.on('failed', (_job, error) => this.#options.onError?.(error));
    this.#sweeper = setInterval(() => this.#sweep().catch((error: unknown) => this.#options.onError?.(error)), this.#options.sweepMs ?? 15_000);
    this.#sweeper.unref();
    return this;
  }

  /**
   * Stops taking jobs and waits for the running ones: to their end, or with `interrupt` (SIGTERM) to
   * their next batch, after which they are requeued with their checkpoint, as a new job, without using
   * an attempt; exactly like the polling worker.
   */
  async stop(options: { interrupt?: boolean } = {}): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    if (options.interrupt) this.#interrupt.abort();
    await this.#worker?.close();
    this.#redis.disconnect();
  }
}

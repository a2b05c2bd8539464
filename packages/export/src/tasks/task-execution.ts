import { isSluiceError } from '@sluice/core';
import { ExportError } from '../pipeline/export-error.ts';
import { exportFileName } from '../pipeline/export-file-name.ts';
import { canResume, type ExportCheckpoint, type ExportWriting, writeExport } from '../pipeline/write-export.ts';
import type { TaskSink } from '../storage/task-storage.ts';
import type { ResolvedTaskConfig } from './export-task-config.ts';
import type { ExportTask, TaskCheckpoint } from './export-task-entity.ts';
import { discardTaskFile } from './task-file.ts';
import { RunStopped, TaskLease } from './task-lease.ts';
import type { TaskOutcome, TaskTransitions } from './task-transitions.ts';

/** Progress of a running task, as a worker reports it (e.g. to a progress bar). */
export interface TaskProgress {
  taskId: number;
  processed: number;
  total: number | null;
  /** `total` is the planner's estimate (a big PostgreSQL list), not a count. */
  totalIsEstimate: boolean;
  /** Rows already in the file when this run started (a resumed list). */
  resumedFrom: number;
}

/** Options of a task run. */
export interface RunTaskOptions {
  onProgress?: (progress: TaskProgress) => void;
  /** Stops the run at its next batch and requeues the task without using an attempt (shutdown). */
  signal?: AbortSignal;
}

/**
 * One run of a claimed task: the owner's request checked again as they are now, the file written (or
 * continued from the task's checkpoint) under a heart-beating lease, and the task left succeeded,
 * requeued, retrying, failed or cancelled. Errors are recorded on the task, never thrown.
 */
export class TaskExecution {
  readonly #config: ResolvedTaskConfig;
  readonly #task: ExportTask;
  readonly #transitions: TaskTransitions;
  readonly #lease: TaskLease;
  readonly #onProgress: RunTaskOptions['onProgress'];
  #writing: ExportWriting | null = null;
  #sink: TaskSink | null = null;
  #fileKey: string | null;
  #resumedFrom = 0;
  #total: { rows: number; exact: boolean } | null = null;
  #peakMemory: number;
  #lastCheckpoint = Date.now();

  constructor(config: ResolvedTaskConfig, task: ExportTask, transitions: TaskTransitions, options: RunTaskOptions = {}) {
    this.#config = config;
    this.#task = task;
    this.#transitions = transitions;
    this.#onProgress = options.onProgress;
    this.#fileKey = task.fileKey ?? null;
    this.#peakMemory = task.peakMemoryBytes ?? 0;
    this.#lease = new TaskLease(transitions, task.id, {
      leaseMs: config.leaseMs,
      heartbeatMs: config.heartbeatMs,
      interrupt: options.signal,
      progress: () => ({ processedCount: this.#rows(), peakMemoryBytes: this.#sampleMemory() }),
    });
  }

  async execute(): Promise<void> {
    try {
      const outcome = await this.#write();
      await this.#lease.release();
      if (!(await this.#transitions.succeed(this.#task.id, outcome))) throw new RunStopped('lease-lost');
      this.#report();
    } catch (error) {
      this.#sink?.destroy();
      await this.#lease.release();
      await this.#settle(error);
    }
  }

  #rows(): number {
    return this.#writing?.rows() ?? this.#resumedFrom;
  }

  #sampleMemory(): number {
    this.#peakMemory = Math.max(this.#peakMemory, process.memoryUsage.rss());
    return this.#peakMemory;
  }

  #report(): void {
    this.#onProgress?.({
      taskId: this.#task.id,
      processed: this.#rows(),
      total: this.#total?.rows ?? null,
      totalIsEstimate: this.#total?.exact === false,
      resumedFrom: this.#resumedFrom,
    });
  }

  async #write(): Promise<TaskOutcome> {
    const task = this.#task;
    const user = await this.#config.loadUser(this.#transitions.em, task.ownerId);
    if (!user) throw ExportError.forbidden(`The owner of export task ${task.id} no longer exists`);
    const prepared = this.#config.registry.prepare(task.request, user);
    const formatter = prepared.formatter.definition;
    const fileKey = await this.#ensureFile(formatter.extension);
    const checkpoint = canResume(prepared) ? (task.checkpoint ?? undefined) : undefined;
    this.#resumedFrom = checkpoint?.rows ?? 0;
    const sink = await this.#config.storage.openForWriting(fileKey, checkpoint && { bytes: checkpoint.bytes, state: checkpoint.storageState });
    this.#sink = sink;
    this.#writing = await writeExport(prepared, this.#transitions.em.fork(), sink, {
      pageSize: this.#config.pageSize,
      // COPY streams far faster than pages are read: its first chunk is ten pages, each later one is
      // sized to take about a checkpoint interval at the pace so far.
      copyChunkRows: this.#config.pageSize * 10,
      copyChunkMs: this.#config.checkpointMs,
      signal: this.#lease.hardStopped,
      from: checkpoint,
      onCheckpoint: (_, save) => this.#checkpoint(save, sink),
      onTotal: (rows, exact) => this.#setTotal(rows, exact),
    });
    const rows = await this.#writing.done;
    // A file written to its end is kept, even when a shutdown was asked for meanwhile.
    if (this.#lease.hardStopped.aborted) throw this.#lease.hardStopped.reason;
    const now = new Date();
    return {
      rows,
      fileSize: sink.position,
      fileName: exportFileName(prepared, { taskId: task.id, date: now }),
      contentType: formatter.contentType,
      peakMemoryBytes: this.#sampleMemory(),
      expiresAt: new Date(now.getTime() + this.#config.retentionMs),
    };
  }

  /** The task's file: the one an earlier run started, or a new one. */
  async #ensureFile(extension: string): Promise<string> {
    if (this.#fileKey) return this.#fileKey;
    this.#fileKey = await this.#config.storage.create(this.#task.id, extension);
    if (!(await this.#transitions.setFileKey(this.#task.id, this.#fileKey))) throw new RunStopped('lease-lost');
    return this.#fileKey;
  }

  async #setTotal(rows: number, exact: boolean): Promise<void> {
    this.#total = { rows, exact };
    await this.#lease.serially(() => this.#transitions.setTotal(this.#task.id, rows, exact));
    this.#report();
  }

  /** After each page: stop if asked to, and save a checkpoint when one is due and the file can make it durable. */
  async #checkpoint(save: (() => Promise<ExportCheckpoint>) | undefined, sink: TaskSink): Promise<void> {
    // An interrupted run (worker shutting down) saves where it stands first: its successor resumes there.
    const interrupted = this.#lease.interrupted;
    if (!interrupted) this.#lease.throwIfStopped();
    const due = interrupted || Date.now() - this.#lastCheckpoint >= this.#config.checkpointMs;
    // An object store makes bytes durable a part at a time: until a part's worth waits, keep going,
    // unless this is the last chance (a shutdown): then the tail is made durable too.
    if (save && due && (sink.canSync || interrupted)) {
      const saved = await this.#saveCheckpoint(save, sink, interrupted);
      // A shutdown asked for while that sync found less than a part: this is its last chance too.
      if (!saved && this.#lease.interrupted) await this.#saveCheckpoint(save, sink, true);
    }
    this.#lease.throwIfStopped();
  }

  /** Saves a checkpoint here; false when the sink could not make its bytes durable yet. */
  async #saveCheckpoint(save: () => Promise<ExportCheckpoint>, sink: TaskSink, whole: boolean): Promise<boolean> {
    const checkpoint = await save();
    const synced = await sink.sync({ whole });
    if (!synced) return false;
    const saved: TaskCheckpoint = { ...checkpoint, bytes: synced.bytes, storageState: synced.state };
    // Progress: the crashes before it were not this task's fault.
    if (!(await this.#lease.renew({ checkpoint: saved, crashes: 0 }))) throw new RunStopped('lease-lost');
    this.#lastCheckpoint = Date.now();
    this.#report();
    return true;
  }

  /** Leaves the task requeued, retrying, failed or cancelled, as `error` says. */
  async #settle(error: unknown): Promise<void> {
    const { id, attempts, maxAttempts } = this.#task;
    const peak = this.#peakMemory;
    if (error instanceof RunStopped) {
      // A lost lease means another worker owns the task and its file now: touch neither.
      if (error.reason === 'lease-lost') return;
      if (error.reason === 'interrupted') {
        if (await this.#transitions.requeueInterrupted(this.#task, peak)) await this.#config.dispatcher?.dispatch(id);
      } else if (await this.#transitions.cancelRunning(id, this.#rows(), peak)) await this.#discardFile();
      return;
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    const fields = {
      errorCode: isSluiceError(failure) ? failure.code : 'INTERNAL_ERROR',
      errorMessage: failure.message.slice(0, 2_000),
      errorStack: failure.stack ?? null,
    };
    // A request the owner may no longer run, or that no longer validates, fails the same way every time.
    const permanent = isSluiceError(failure) && failure.statusCode < 500;
    if (permanent || attempts >= maxAttempts) {
      if (await this.#transitions.fail(id, fields, peak)) await this.#discardFile();
      return;
    }
    const delay = Math.min(this.#config.retryDelayMs * 2 ** (attempts - 1), this.#config.maxRetryDelayMs);
    if (await this.#transitions.retryLater(id, new Date(Date.now() + delay), fields, peak)) await this.#config.dispatcher?.dispatch(id, delay);
  }

  #discardFile(): Promise<void> {
    return discardTaskFile(this.#transitions, this.#config.storage, this.#task.id, this.#fileKey);
  }
}

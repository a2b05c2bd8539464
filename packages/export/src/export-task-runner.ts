import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { finished } from 'node:stream/promises';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { isSluiceError } from '@sluice/core';
import { mikroOrmDialect } from '@sluice/pagination';
import { ExportError } from './export-error.ts';
import { exportFileName } from './export-file-name.ts';
import type { ExportTaskConfig, ResolvedTaskConfig } from './export-task-config.ts';
import { resolveTaskConfig } from './export-task-config.ts';
import { ExportTask, freshRun, type TaskCheckpoint } from './export-task-entity.ts';
import { ExportTaskError } from './export-task-error.ts';
import type { ResumableListWriter } from './formatter-definition.ts';
import { runExport } from './run-export.ts';
import { discardTaskFile } from './task-file.ts';
import type { TaskSink } from './task-storage.ts';

/** Progress of a running task, as a worker reports it (e.g. to a progress bar). */
export interface TaskProgress {
  taskId: number;
  processed: number;
  total: number | null;
  /** Rows already in the file when this run started (a resumed list). */
  resumedFrom: number;
}

/** Options of {@link ExportTaskRunner.run}. */
export interface RunTaskOptions {
  onProgress?: (progress: TaskProgress) => void;
  /** Stops the run at its next batch and requeues the task without using an attempt (shutdown). */
  signal?: AbortSignal;
}

/** Why a run stopped before its end. */
class RunStopped extends Error {
  readonly reason: 'cancelled' | 'lease-lost' | 'interrupted';

  constructor(reason: 'cancelled' | 'lease-lost' | 'interrupted') {
    super(reason);
    this.reason = reason;
  }
}

/** A fresh worker identity: host, process and a random part, so restarts never reuse a lease. */
export function newWorkerId(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Claims and runs export tasks. A claim is atomic (SKIP LOCKED on PostgreSQL and MariaDB; a
 * compare-and-set update on SQLite, whose single writer serialises it), so two workers never run the
 * same task. A run heartbeats its lease, reports progress, checkpoints lists durably, and honours
 * cancel requests between batches; the reaper requeues tasks whose lease expired.
 */
export class ExportTaskRunner {
  readonly config: ResolvedTaskConfig;
  readonly workerId: string;

  constructor(config: ExportTaskConfig, workerId: string = newWorkerId()) {
    this.config = resolveTaskConfig(config);
    this.workerId = workerId;
  }

  #claimData(task: Pick<ExportTask, 'attempts' | 'startedAt'>, now: Date) {
    return {
      status: 'running' as const,
      leaseOwner: this.workerId,
      leaseExpiresAt: new Date(now.getTime() + this.config.leaseMs),
      heartbeatAt: now,
      attempts: task.attempts + 1,
      startedAt: task.startedAt ?? now,
      updatedAt: now,
      updatedBy: this.workerId,
    };
  }

  /** Takes the oldest due queued task, or returns `null` when there is none. */
  async claimNext(): Promise<ExportTask | null> {
    const em = this.config.em.fork();
    const due = () => ({ status: 'queued' as const, runAfter: { $lte: new Date() } });
    if (mikroOrmDialect(em) === 'sqlite') {
      // Losing a compare-and-set means another worker took that task: try the next one.
      for (let attempt = 0; attempt < 20; attempt++) {
        const candidate = await em.findOne(ExportTask, due(), { orderBy: { runAfter: 'asc', id: 'asc' }, fields: ['id', 'attempts', 'startedAt'] });
        if (!candidate) return null;
        const claimed = await em.nativeUpdate(
          ExportTask,
          { id: candidate.id, status: 'queued', attempts: candidate.attempts },
          this.#claimData(candidate, new Date()),
        );
        if (claimed === 1) return this.#load(candidate.id);
      }
      return null;
    }
    const id = await em.transactional(async (tx) => {
      const [candidate] = await tx
        .createQueryBuilder(ExportTask, 't')
        .select(['id', 'attempts', 'startedAt'])
        .where(due())
        .orderBy({ runAfter: 'asc', id: 'asc' })
        .limit(1)
        .setLockMode(LockMode.PESSIMISTIC_PARTIAL_WRITE)
        .getResultList();
      if (!candidate) return null;
      await tx.nativeUpdate(ExportTask, { id: candidate.id }, this.#claimData(candidate, new Date()));
      return candidate.id;
    });
    return id === null ? null : this.#load(id);
  }

  /**
   * Takes task `id`: a queued one (even before its retry delay), or a running one whose lease expired.
   * With `force`, a finished task too, which is then re-run from the start.
   */
  async claim(id: number, options: { force?: boolean } = {}): Promise<ExportTask> {
    const em = this.config.em.fork();
    const task = await em.findOne(ExportTask, { id });
    if (!task) throw ExportTaskError.notClaimable(id, 'no such task');
    const now = new Date();
    let claimed = 0;
    if (task.status === 'queued') {
      claimed = await em.nativeUpdate(ExportTask, { id, status: 'queued', attempts: task.attempts }, this.#claimData(task, now));
    } else if (task.status === 'running') {
      if (task.leaseExpiresAt && task.leaseExpiresAt.getTime() > now.getTime())
        throw ExportTaskError.notClaimable(id, `running under the live lease of ${task.leaseOwner}`);
      // Its worker crashed: like the reaper, give the attempt back and count the crash, up to the cap.
      if (task.crashes + 1 >= this.config.maxCrashes && !options.force)
        throw ExportTaskError.notClaimable(id, `its worker crashed ${task.crashes + 1} times in a row (use --force to run it anyway)`);
      claimed = await em.nativeUpdate(
        ExportTask,
        { id, status: 'running', leaseOwner: task.leaseOwner, attempts: task.attempts },
        { ...this.#claimData(task, now), attempts: task.attempts, crashes: task.crashes + 1 },
      );
    } else {
      if (!options.force) throw ExportTaskError.notClaimable(id, `already ${task.status} (use --force to run it again)`);
      if (task.fileKey) await this.config.storage.remove(task.fileKey);
      claimed = await em.nativeUpdate(
        ExportTask,
        { id, status: task.status, attempts: task.attempts },
        {
          ...this.#claimData({ attempts: 0, startedAt: null }, now),
          ...freshRun,
          fileKey: null,
          checkpoint: null,
        },
      );
    }
    if (claimed !== 1) throw ExportTaskError.notClaimable(id, 'another worker took it first');
    return this.#load(id);
  }

  async #load(id: number): Promise<ExportTask> {
    return this.config.em.fork().findOneOrFail(ExportTask, { id });
  }

  /**
   * Requeues running tasks whose lease expired (their worker died or hung), keeping their checkpoint
   * and giving their attempt back: a crash is not a failure. Ends them instead when a cancel was
   * requested (cancelled) or when they crashed `maxCrashes` times in a row without a new checkpoint
   * (failed, `EXPORT_TASK_CRASH_LOOP`). Returns the ids requeued.
   */
  async reap(): Promise<number[]> {
    const em = this.config.em.fork();
    const now = new Date();
    const expired = await em.find(ExportTask, { status: 'running', leaseExpiresAt: { $lt: now } });
    const requeued: number[] = [];
    for (const task of expired) {
      const where = { id: task.id, status: 'running' as const, leaseOwner: task.leaseOwner, attempts: task.attempts };
      const stamp = { leaseOwner: null, leaseExpiresAt: null, updatedAt: now, updatedBy: this.workerId };
      if (task.cancelRequestedAt) {
        if ((await em.nativeUpdate(ExportTask, where, { ...stamp, status: 'cancelled', finishedAt: now })) === 1)
          await this.#discard(em, task.id, task.fileKey);
      } else if (task.crashes + 1 >= this.config.maxCrashes) {
        const message = `Its worker stopped responding ${task.crashes + 1} times in a row without progress: the task may crash its worker`;
        if (
          (await em.nativeUpdate(ExportTask, where, {
            ...stamp,
            status: 'failed',
            finishedAt: now,
            crashes: task.crashes + 1,
            errorCode: 'EXPORT_TASK_CRASH_LOOP',
            errorMessage: message,
          })) === 1
        )
          await this.#discard(em, task.id, task.fileKey);
      } else if (
        (await em.nativeUpdate(ExportTask, where, { ...stamp, status: 'queued', runAfter: now, attempts: task.attempts - 1, crashes: task.crashes + 1 })) === 1
      ) {
        requeued.push(task.id);
        await this.config.dispatcher?.dispatch(task.id);
      }
    }
    return requeued;
  }

  #discard(em: EntityManager, taskId: number, fileKey: string | null | undefined): Promise<void> {
    return discardTaskFile(em, this.config.storage, taskId, fileKey);
  }

  /** Runs a task this worker has claimed, to its end; returns the task as it then stands. */
  async run(claimed: ExportTask, options: RunTaskOptions = {}): Promise<ExportTask> {
    const em = this.config.em.fork();
    const id = claimed.id;
    const mine = { id, leaseOwner: this.workerId, status: 'running' as const };
    // Aborted with the reason a run must stop (cancel, lost lease, shutdown); checked at each checkpoint.
    const stop = new AbortController();
    // Cancels and lost leases also stop the row walk at once; a shutdown lets it reach its next checkpoint and save it.
    const hardStop = new AbortController();
    const stopWith = (reason: RunStopped) => {
      if (!stop.signal.aborted) stop.abort(reason);
      if (reason.reason !== 'interrupted' && !hardStop.signal.aborted) hardStop.abort(reason);
    };
    options.signal?.addEventListener('abort', () => stopWith(new RunStopped('interrupted')), { once: true });
    if (options.signal?.aborted) stopWith(new RunStopped('interrupted'));
    let rowsDone = () => 0;
    let total: number | null = null;
    let peakMemory = claimed.peakMemoryBytes ?? 0;
    const sampleMemory = () => {
      peakMemory = Math.max(peakMemory, process.memoryUsage.rss());
    };

    // Progress writes go one after another, so a slower earlier write never lands after a later one.
    let writes: Promise<unknown> = Promise.resolve();
    const serially = <T>(write: () => Promise<T>): Promise<T> => {
      const next = writes.then(write, write);
      writes = next.catch(() => {});
      return next;
    };

    /** Extends the lease and publishes progress (plus `more`); false when the lease is no longer this worker's. */
    const renewLease = async (more: Partial<ExportTask> = {}) => {
      sampleMemory();
      const now = new Date();
      const renewed = await serially(() =>
        em.nativeUpdate(ExportTask, mine, {
          heartbeatAt: now,
          leaseExpiresAt: new Date(now.getTime() + this.config.leaseMs),
          processedCount: rowsDone(),
          peakMemoryBytes: peakMemory,
          updatedAt: now,
          ...more,
        }),
      );
      return renewed === 1;
    };

    // Heartbeat: extends the lease, publishes progress, and notices cancel requests and lost leases.
    let beating = true;
    const beat = async () => {
      if (!(await renewLease())) stopWith(new RunStopped('lease-lost'));
      else {
        const state = await em.findOne(ExportTask, { id }, { fields: ['cancelRequestedAt'], disableIdentityMap: true });
        if (state?.cancelRequestedAt) stopWith(new RunStopped('cancelled'));
      }
    };
    let wakeHeartbeat = () => {};
    const heartbeat = (async () => {
      while (beating) {
        await new Promise<void>((wake) => {
          wakeHeartbeat = wake;
          setTimeout(wake, this.config.heartbeatMs).unref();
        });
        if (beating) await beat().catch(() => {});
      }
    })();
    const report = () => options.onProgress?.({ taskId: id, processed: rowsDone(), total, resumedFrom });
    const checkStop = () => {
      if (stop.signal.aborted) throw stop.signal.reason;
    };

    let sink: TaskSink | null = null;
    let fileKey = claimed.fileKey ?? null;
    let resumedFrom = 0;
    try {
      const user = await this.config.loadUser(em, claimed.ownerId);
      if (!user) throw ExportError.forbidden(`The owner of export task ${id} no longer exists`);
      const prepared = this.config.registry.prepare(claimed.request, user);
      const formatter = prepared.formatter.definition;
      if (!fileKey) {
        fileKey = await this.config.storage.create(id, formatter.extension);
        if ((await em.nativeUpdate(ExportTask, mine, { fileKey })) === 0) throw new RunStopped('lease-lost');
      }
      const resumable = prepared.export.definition.kind === 'list' && formatter.resumeList !== undefined;
      const checkpoint: TaskCheckpoint | null = resumable ? (claimed.checkpoint ?? null) : null;
      resumedFrom = checkpoint?.rows ?? 0;
      rowsDone = () => resumedFrom;
      const out = await this.config.storage.openForWriting(fileKey, checkpoint ? { bytes: checkpoint.bytes, state: checkpoint.storageState } : undefined);
      sink = out;

      let lastCheckpoint = Date.now();
      let writer: ResumableListWriter | undefined;
      const result = await runExport(prepared, em.fork(), {
        pageSize: this.config.pageSize,
        from: checkpoint?.cursor,
        // COPY streams far faster than pages are read: ten pages' worth of rows between its checkpoints.
        copyChunkRows: this.config.pageSize * 10,
        signal: hardStop.signal,
        onCheckpoint: async (cursor, rows) => {
          // An interrupted run (worker shutting down) saves where it stands first: its successor resumes there.
          const interrupted = stop.signal.aborted && (stop.signal.reason as RunStopped).reason === 'interrupted';
          if (!interrupted) checkStop();
          const due = interrupted || Date.now() - lastCheckpoint >= this.config.checkpointMs;
          // An object store makes bytes durable a part at a time: until a part's worth waits, keep going.
          if (!resumable || !writer || !due || !out.canSync) return checkStop();
          const formatterState = await writer.checkpoint();
          const synced = await out.sync();
          if (!synced) return checkStop();
          const { bytes, state: storageState } = synced;
          const saved: TaskCheckpoint = { cursor, bytes, rows: resumedFrom + rows, formatterState, storageState };
          // Progress: the crashes before it were not this task's fault.
          if (!(await renewLease({ checkpoint: saved, crashes: 0 }))) throw new RunStopped('lease-lost');
          lastCheckpoint = Date.now();
          report();
          checkStop();
        },
      });
      // The total is for progress bars only: counted alongside the walk, so it never delays the first row.
      const counted = async (count: number) => {
        total = count;
        await serially(() => em.nativeUpdate(ExportTask, mine, { totalCount: count }));
        report();
      };
      if (result.kind === 'list') result.count().then(counted, () => {});
      else await counted(result.rows.length);

      writer = result.kind === 'list' && resumable ? formatter.resumeList?.(result, out, prepared.formatter.params, checkpoint?.formatterState) : undefined;
      if (result.kind === 'list') rowsDone = () => resumedFrom + result.rowsRead();
      if (writer) await writer.write();
      else await formatter.write(result, out, prepared.formatter.params);
      if (result.kind === 'tabular') rowsDone = () => result.rows.length;
      await finished(out);
      // A file written to its end is kept, even when a shutdown was asked for meanwhile.
      if (hardStop.signal.aborted) throw hardStop.signal.reason;
      sampleMemory();
      beating = false;
      const now = new Date();
      const done = await serially(() =>
        em.nativeUpdate(ExportTask, mine, {
          status: 'succeeded',
          processedCount: rowsDone(),
          totalCount: rowsDone(),
          rowCount: rowsDone(),
          fileSize: out.position,
          fileName: exportFileName(claimed.request.export, formatter.extension, { taskId: id, date: now }),
          contentType: formatter.contentType,
          peakMemoryBytes: peakMemory,
          checkpoint: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          finishedAt: now,
          updatedAt: now,
          errorCode: null,
          errorMessage: null,
          errorStack: null,
          expiresAt: new Date(now.getTime() + this.config.retentionMs),
        }),
      );
      if (done === 0) throw new RunStopped('lease-lost');
      report();
    } catch (error) {
      sink?.destroy();
      beating = false;
      await writes;
      await this.#settleFailure(em, claimed, error, { processed: rowsDone(), peakMemory, fileKey });
    } finally {
      beating = false;
      wakeHeartbeat();
      await heartbeat;
    }
    return this.#load(id);
  }

  async #settleFailure(
    em: EntityManager,
    task: ExportTask,
    error: unknown,
    state: { processed: number; peakMemory: number; fileKey: string | null },
  ): Promise<void> {
    const mine = { id: task.id, leaseOwner: this.workerId, status: 'running' as const };
    const now = new Date();
    const released = { leaseOwner: null, leaseExpiresAt: null, updatedAt: now, peakMemoryBytes: state.peakMemory || null };
    const dropFile = () => this.#discard(em, task.id, state.fileKey);
    if (error instanceof RunStopped) {
      // A lost lease means another worker owns the task and its file now: touch neither.
      if (error.reason === 'lease-lost') return;
      if (error.reason === 'interrupted') {
        const requeued = await em.nativeUpdate(ExportTask, mine, { ...released, status: 'queued', runAfter: now, attempts: task.attempts - 1 });
        if (requeued === 1) await this.config.dispatcher?.dispatch(task.id);
        return;
      }
      if ((await em.nativeUpdate(ExportTask, mine, { ...released, status: 'cancelled', finishedAt: now, processedCount: state.processed })) === 1)
        await dropFile();
      return;
    }
    const failure = error instanceof Error ? error : new Error(String(error));
    const code = isSluiceError(failure) ? failure.code : 'INTERNAL_ERROR';
    // A request the owner may no longer run, or that no longer validates, fails the same way every time.
    const permanent = isSluiceError(failure) && failure.statusCode < 500;
    const errorFields = { errorCode: code, errorMessage: failure.message.slice(0, 2_000), errorStack: failure.stack ?? null };
    if (!permanent && task.attempts < task.maxAttempts) {
      const delay = Math.min(this.config.retryDelayMs * 2 ** (task.attempts - 1), this.config.maxRetryDelayMs);
      const requeued = await em.nativeUpdate(ExportTask, mine, { ...released, ...errorFields, status: 'queued', runAfter: new Date(now.getTime() + delay) });
      if (requeued === 1) await this.config.dispatcher?.dispatch(task.id, delay);
      return;
    }
    if ((await em.nativeUpdate(ExportTask, mine, { ...released, ...errorFields, status: 'failed', finishedAt: now })) === 1) await dropFile();
  }
}

import type { EntityData, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { ExportTask, freshRun, type TaskCheckpoint } from './export-task-entity.ts';

type Task = ExportTask;
/** What a claim needs to know of the task it takes. */
type ClaimedFrom = Pick<Task, 'id' | 'attempts' | 'startedAt'>;
/** What a guard compares: the row must still be as the caller read it. */
type SeenTask = Pick<Task, 'id' | 'status' | 'attempts' | 'leaseOwner' | 'crashes'>;

/** Why a run ended in an error, as the task row keeps it. */
export interface TaskErrorFields {
  errorCode: string;
  errorMessage: string;
  errorStack: string | null;
}

/** What a successful run leaves on its task. */
export interface TaskOutcome {
  rows: number;
  fileSize: number;
  fileName: string;
  contentType: string;
  peakMemoryBytes: number;
  expiresAt: Date;
}

/** Progress a lease renewal publishes with it. */
export interface TaskProgressFields {
  processedCount: number;
  peakMemoryBytes: number;
  checkpoint?: TaskCheckpoint;
  crashes?: number;
}

/**
 * Every change of an export task's state, each one UPDATE guarded by the state it leaves: when two
 * processes race for a task (two workers, a worker and the reaper, a cancel and a finish), exactly one
 * guard still matches, and each method answers whether its change was the one that happened.
 *
 * `actor` is recorded as `updatedBy` (a worker id, a username, `cleanup`).
 */
export class TaskTransitions {
  readonly em: EntityManager;
  readonly actor: string;

  constructor(em: EntityManager, actor: string) {
    this.em = em;
    this.actor = actor;
  }

  async #apply(where: FilterQuery<Task>, set: EntityData<Task>): Promise<boolean> {
    return (await this.em.nativeUpdate(ExportTask, where, { ...set, updatedAt: new Date(), updatedBy: this.actor })) === 1;
  }

  /** A running task under this actor's lease. */
  #held(id: number): FilterQuery<Task> {
    return { id, status: 'running', leaseOwner: this.actor };
  }

  /** A running task as it was seen with its (expired) lease, before the reaper or a claim acted on it. */
  #expired(task: SeenTask): FilterQuery<Task> {
    return { id: task.id, status: 'running', leaseOwner: task.leaseOwner, attempts: task.attempts };
  }

  #lease(task: ClaimedFrom, leaseUntil: Date) {
    return {
      status: 'running' as const,
      leaseOwner: this.actor,
      leaseExpiresAt: leaseUntil,
      attempts: task.attempts + 1,
      startedAt: task.startedAt ?? new Date(),
    };
  }

  // Claims: queued (or expired, or finished) -> running under this actor's lease.

  /** Takes a queued task, using one attempt. */
  claimQueued(task: ClaimedFrom, leaseUntil: Date): Promise<boolean> {
    return this.#apply({ id: task.id, status: 'queued', attempts: task.attempts }, this.#lease(task, leaseUntil));
  }

  /** Takes a running task whose worker crashed: its attempt is given back and the crash counted. */
  takeOverCrashed(task: SeenTask & ClaimedFrom, leaseUntil: Date): Promise<boolean> {
    return this.#apply(this.#expired(task), { ...this.#lease(task, leaseUntil), attempts: task.attempts, crashes: task.crashes + 1 });
  }

  /** Runs a finished task again from the start (its file must be removed first). */
  restartFinished(task: SeenTask, leaseUntil: Date): Promise<boolean> {
    return this.#apply(
      { id: task.id, status: task.status, attempts: task.attempts },
      { ...this.#lease({ id: task.id, attempts: 0, startedAt: null }, leaseUntil), ...freshRun, fileKey: null, checkpoint: null },
    );
  }

  // A run under this actor's lease.

  /** Extends the lease and publishes progress; false when the lease is no longer this actor's. */
  renewLease(id: number, leaseUntil: Date, progress: TaskProgressFields): Promise<boolean> {
    return this.#apply(this.#held(id), { leaseExpiresAt: leaseUntil, ...progress });
  }

  setFileKey(id: number, fileKey: string): Promise<boolean> {
    return this.#apply(this.#held(id), { fileKey });
  }

  setTotal(id: number, totalCount: number, exact: boolean): Promise<boolean> {
    return this.#apply(this.#held(id), { totalCount, totalIsEstimate: !exact });
  }

  succeed(id: number, outcome: TaskOutcome): Promise<boolean> {
    const { rows, ...file } = outcome;
    return this.#apply(this.#held(id), {
      ...file,
      status: 'succeeded',
      processedCount: rows,
      totalCount: rows,
      totalIsEstimate: false,
      checkpoint: null,
      // Crashes count since the last checkpoint, and the end is past every one (a resumed run may
      // finish within one COPY chunk, before it saves another).
      crashes: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
      finishedAt: new Date(),
      errorCode: null,
      errorMessage: null,
      errorStack: null,
    });
  }

  /** A shutdown: back to the queue at once, checkpoint kept, attempt given back. */
  requeueInterrupted(task: Pick<Task, 'id' | 'attempts'>, peakMemoryBytes: number | null): Promise<boolean> {
    return this.#apply(this.#held(task.id), { ...released(peakMemoryBytes), status: 'queued', runAfter: new Date(), attempts: task.attempts - 1 });
  }

  /** A cancel noticed by the run itself. */
  cancelRunning(id: number, processedCount: number, peakMemoryBytes: number | null): Promise<boolean> {
    return this.#apply(this.#held(id), { ...released(peakMemoryBytes), status: 'cancelled', finishedAt: new Date(), processedCount });
  }

  /** An error with attempts left: queued again after `runAfter`. */
  retryLater(id: number, runAfter: Date, error: TaskErrorFields, peakMemoryBytes: number | null): Promise<boolean> {
    return this.#apply(this.#held(id), { ...released(peakMemoryBytes), ...error, status: 'queued', runAfter });
  }

  /** An error for good. */
  fail(id: number, error: TaskErrorFields, peakMemoryBytes: number | null): Promise<boolean> {
    return this.#apply(this.#held(id), { ...released(peakMemoryBytes), ...error, status: 'failed', finishedAt: new Date() });
  }

  // The reaper, on a running task whose lease expired.

  /** Its cancel was asked for before its worker died. */
  reapCancelled(task: SeenTask): Promise<boolean> {
    return this.#apply(this.#expired(task), { ...released(), status: 'cancelled', finishedAt: new Date() });
  }

  /** Its worker died too many times in a row without progress: a poison task. */
  reapCrashLoop(task: SeenTask, message: string): Promise<boolean> {
    return this.#apply(this.#expired(task), {
      ...released(),
      status: 'failed',
      finishedAt: new Date(),
      crashes: task.crashes + 1,
      errorCode: 'EXPORT_TASK_CRASH_LOOP',
      errorMessage: message,
    });
  }

  /** A crash is not a failure: back to the queue with its checkpoint and its attempt. */
  reapRequeue(task: SeenTask): Promise<boolean> {
    return this.#apply(this.#expired(task), { ...released(), status: 'queued', runAfter: new Date(), attempts: task.attempts - 1, crashes: task.crashes + 1 });
  }

  // Users' requests.

  /** A queued task ends at once. */
  cancelQueued(id: number): Promise<boolean> {
    const now = new Date();
    return this.#apply({ id, status: 'queued' }, { status: 'cancelled', finishedAt: now, cancelRequestedAt: now });
  }

  /** A running task is asked to stop; its worker (or the reaper) ends it. */
  requestCancel(id: number): Promise<boolean> {
    return this.#apply({ id, status: 'running' }, { cancelRequestedAt: new Date() });
  }

  /** A failed or cancelled task is queued again with a fresh attempt budget. */
  requeueForRetry(task: SeenTask): Promise<boolean> {
    return this.#apply({ id: task.id, status: task.status, attempts: task.attempts }, { ...freshRun, status: 'queued', attempts: 0, runAfter: new Date() });
  }

  // Files.

  /**
   * Forgets a removed file (and the checkpoint that pointed into it), only while the task still names
   * that file (and, given a status, is still in it): a re-run that already made a new one keeps it.
   */
  forgetFile(id: number, fileKey: string, status?: Task['status']): Promise<boolean> {
    return this.#apply({ id, fileKey, ...(status ? { status } : {}) }, { fileKey: null, checkpoint: null });
  }

  /** Makes a succeeded task's file due for cleanup at `now` (a schedule keeps only its last files). */
  expireFile(id: number, now: Date): Promise<boolean> {
    return this.#apply({ id, status: 'succeeded', fileKey: { $ne: null }, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] }, { expiresAt: now });
  }
}

/** A lease given up: no owner, no expiry. */
function released(peakMemoryBytes?: number | null) {
  return { leaseOwner: null, leaseExpiresAt: null, ...(peakMemoryBytes !== undefined ? { peakMemoryBytes: peakMemoryBytes || null } : {}) };
}

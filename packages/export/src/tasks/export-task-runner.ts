import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { dialectOf } from '@sluice/db/mikro-orm';
import type { ExportTaskConfig, ResolvedTaskConfig } from './export-task-config.ts';
import { resolveTaskConfig } from './export-task-config.ts';
import { ExportTask } from './export-task-entity.ts';
import { ExportTaskError } from './export-task-error.ts';
import { type RunTaskOptions, TaskExecution } from './task-execution.ts';
import { discardTaskFile } from './task-file.ts';
import { TaskTransitions } from './task-transitions.ts';

/** A fresh worker identity: host, process and a random part, so restarts never reuse a lease. */
export function newWorkerId(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Claims and runs export tasks. A claim is atomic (SKIP LOCKED on PostgreSQL and MariaDB; a
 * compare-and-set update on SQLite, whose single writer serialises it), so two workers never run the
 * same task. A run heartbeats its lease, reports progress, checkpoints lists durably, and honours
 * cancel requests between batches; the reaper requeues tasks whose lease expired.
 *
 * @example
 * ```ts
 * const runner = new ExportTaskRunner(taskConfig);
 * const task = await runner.claimNext();
 * if (task) await runner.run(task, { onProgress: ({ processed, total }) => console.log(processed, total) });
 * ```
 */
export class ExportTaskRunner {
  readonly config: ResolvedTaskConfig;
  readonly workerId: string;

  constructor(config: ExportTaskConfig, workerId: string = newWorkerId()) {
    this.config = resolveTaskConfig(config);
    this.workerId = workerId;
  }

  /** Takes the oldest due queued task, or returns `null` when there is none. */
  async claimNext(): Promise<ExportTask | null> {
    const em = this.config.em.fork();
    const due = () => ({ status: 'queued' as const, runAfter: { $lte: new Date() } });
    if (dialectOf(em).embedded) {
      // No row locks to skip: losing a compare-and-set means another worker took that task, so try the next one.
      for (let attempt = 0; attempt < 20; attempt++) {
        const candidate = await em.findOne(ExportTask, due(), { orderBy: { runAfter: 'asc', id: 'asc' }, fields: ['id', 'attempts', 'startedAt'] });
        if (!candidate) return null;
        if (await this.#transitions(em).claimQueued(candidate, this.#leaseUntil())) return this.#load(candidate.id);
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
      // The row is locked: the guard holds, the claim cannot lose.
      await this.#transitions(tx).claimQueued(candidate, this.#leaseUntil());
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
    const transitions = this.#transitions(em);
    let claimed: boolean;
    if (task.status === 'queued') {
      claimed = await transitions.claimQueued(task, this.#leaseUntil());
    } else if (task.status === 'running') {
      if (task.leaseExpiresAt && task.leaseExpiresAt.getTime() > Date.now())
        throw ExportTaskError.notClaimable(id, `running under the live lease of ${task.leaseOwner}`);
      // Its worker crashed: like the reaper, give the attempt back and count the crash, up to the cap.
      if (task.crashes + 1 >= this.config.maxCrashes && !options.force)
        throw ExportTaskError.notClaimable(id, `its worker crashed ${task.crashes + 1} times in a row (use --force to run it anyway)`);
      claimed = await transitions.takeOverCrashed(task, this.#leaseUntil());
    } else {
      if (!options.force) throw ExportTaskError.notClaimable(id, `already ${task.status} (use --force to run it again)`);
      if (task.fileKey) await this.config.storage.remove(task.fileKey);
      claimed = await transitions.restartFinished(task, this.#leaseUntil());
    }
    if (!claimed) throw ExportTaskError.notClaimable(id, 'another worker took it first');
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
    const transitions = this.#transitions(em);
    const expired = await em.find(ExportTask, { status: 'running', leaseExpiresAt: { $lt: new Date() } });
    const requeued: number[] = [];
    for (const task of expired) {
      const discard = () => discardTaskFile(transitions, this.config.storage, task.id, task.fileKey);
      if (task.cancelRequestedAt) {
        if (await transitions.reapCancelled(task)) await discard();
      } else if (task.crashes + 1 >= this.config.maxCrashes) {
        const message = `Its worker stopped responding ${task.crashes + 1} times in a row without progress: the task may crash its worker`;
        if (await transitions.reapCrashLoop(task, message)) await discard();
      } else if (await transitions.reapRequeue(task)) {
        requeued.push(task.id);
        await this.config.dispatcher?.dispatch(task.id);
      }
    }
    return requeued;
  }

  /** Runs a task this worker has claimed, to its end; returns the task as it then stands. */
  async run(claimed: ExportTask, options: RunTaskOptions = {}): Promise<ExportTask> {
    await new TaskExecution(this.config, claimed, this.#transitions(), options).execute();
    return this.#load(claimed.id);
  }

  #transitions(em: EntityManager = this.config.em.fork()): TaskTransitions {
    return new TaskTransitions(em, this.workerId);
  }

  #leaseUntil(): Date {
    return new Date(Date.now() + this.config.leaseMs);
  }
}

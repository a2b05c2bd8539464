import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/sql';
import { NotFoundError, RequestError, ValidationError } from '@sluice/core';
import { type ConfiguredQuery, paginateQueryBuilder } from '@sluice/pagination';
import { addDeliveries } from '../delivery/add-deliveries.ts';
import { planDeliveries } from '../delivery/delivery-policy.ts';
import { type DeliveryView, deliveriesByTask } from '../delivery/delivery-view.ts';
import type { ExportUser } from '../elements/export-context.ts';
import { type ExportTaskConfig, type ResolvedTaskConfig, resolveTaskConfig } from './export-task-config.ts';
import { ExportTask, liveTaskStatuses } from './export-task-entity.ts';
import { ExportTaskError } from './export-task-error.ts';
import { ensureTaskOwner, lockTaskOwner } from './export-task-owner.ts';
import type { ExportTaskView } from './export-task-view.ts';
import { discardTaskFile, isTaskFileExpired } from './task-file.ts';
import { TaskTransitions } from './task-transitions.ts';

/** A task's file, ready to send. */
export interface TaskFile {
  stream: Readable;
  fileName: string;
  contentType: string;
  size: number;
}

/** What {@link ExportTaskService.create} takes besides the request. */
export interface TaskCreateOptions {
  remark?: string | null;
  /** The saved export the task is run from. */
  savedExportId?: number | null;
  /** Where to send the file when the task succeeds (validated: see `deliveryRequestSchema`). */
  deliveries?: unknown;
  /**
   * Runs in the transaction that inserts the task, after the insert: what must be stored with the task
   * or not at all (a schedule marks its run started). Throwing rolls the task back.
   */
  within?: (em: EntityManager, task: ExportTask) => Promise<void>;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/**
 * The task operations users call (create, read, cancel, retry, download) and the file cleanup. A task is
 * visible to its owner and to administrators only; anyone else gets `NOT_FOUND`, as for a missing one.
 *
 * @example
 * ```ts
 * const service = new ExportTaskService({ ...taskConfig, dispatcher: worker });
 * const task = await service.create({ export: 'list_people', formatter: { alias: 'xlsx' } }, user, { remark: 'for the board' });
 * const { stream, fileName } = await service.file(task.id, user); // once it succeeded
 * ```
 */
export class ExportTaskService {
  readonly config: ResolvedTaskConfig;

  constructor(config: ExportTaskConfig) {
    this.config = resolveTaskConfig(config);
  }

  /**
   * Validates `body` as an export request for `user` (every check a direct export makes) and queues it.
   * Fails with `RATE_LIMITED` past the per-user creation rate or live-task cap. `deliveries` (see
   * `deliveriesSchema`) are checked against the configured policy and stored with the task.
   */
  async create(body: unknown, user: ExportUser, options: TaskCreateOptions = {}): Promise<ExportTask> {
    const remark = options.remark ?? null;
    if (remark !== null && (typeof remark !== 'string' || remark.length > 500))
      throw ValidationError.field('remark', 'must be a string of at most 500 characters');
    const prepared = this.config.registry.prepare(body, user);
    const deliveries = planDeliveries(options.deliveries, user, this.config.deliveries);
    // Check and insert under the owner's lock: concurrent requests take turns, so the limit holds.
    await ensureTaskOwner(this.config.em, user.id);
    const task = await this.config.em.fork().transactional(async (em) => {
      await lockTaskOwner(em, user.id);
      await this.#checkRate(em, user);
      const now = new Date();
      const created = em.create(ExportTask, {
        ownerId: user.id,
        ownerName: user.username,
        request: prepared.request,
        remark,
        status: 'queued',
        processedCount: 0,
        attempts: 0,
        maxAttempts: this.config.maxAttempts,
        runAfter: now,
        createdAt: now,
        updatedAt: now,
        createdBy: user.username,
        updatedBy: user.username,
        savedExportId: options.savedExportId ?? null,
      });
      addDeliveries(em, created, deliveries, now);
      await em.flush();
      await options.within?.(em, created);
      return created;
    });
    await this.config.dispatcher?.dispatch(task.id);
    return task;
  }

  async #checkRate(em: EntityManager, user: ExportUser): Promise<void> {
    const { maxPerWindow, windowMs, maxLive } = this.config.rateLimit;
    const since = new Date(Date.now() - windowMs);
    const recent = await em.find(
      ExportTask,
      { ownerId: user.id, createdAt: { $gt: since } },
      { fields: ['createdAt'], orderBy: { id: 'asc' }, limit: maxPerWindow },
    );
    if (recent.length >= maxPerWindow) {
      const oldest = recent[0]?.createdAt ?? new Date();
      throw RequestError.rateLimited(Math.max(1, Math.ceil((oldest.getTime() + windowMs - Date.now()) / 1000)));
    }
    const live = await em.count(ExportTask, { ownerId: user.id, status: { $in: [...liveTaskStatuses] } });
    if (live >= maxLive) throw RequestError.rateLimited(Math.ceil(windowMs / 1000));
  }

  /** The task if `user` owns it or is an admin; `NOT_FOUND` otherwise, exactly as for a missing one. */
  async get(id: number, user: ExportUser, em: EntityManager = this.config.em.fork()): Promise<ExportTask> {
    const task = Number.isSafeInteger(id) ? await em.findOne(ExportTask, { id }) : null;
    if (!task || (task.ownerId !== user.id && !user.isAdmin)) throw NotFoundError.resource('Export task', id);
    return task;
  }

  /** The caller's tasks, newest first, for cursor or offset pages (admins see everyone's with `all`). */
  listQuery(user: ExportUser, options: { all?: boolean; cursorSecret?: string } = {}): ConfiguredQuery<ExportTask> {
    const em = this.config.em.fork();
    const qb = em.createQueryBuilder(ExportTask, 't');
    if (!(options.all && user.isAdmin)) qb.where({ ownerId: user.id });
    return paginateQueryBuilder(em, qb, {
      orderings: { createdAt: { expression: 't.created_at', type: 'timestamp', defaultDirection: 'desc' } },
      tiebreaker: { name: 'id', expression: 't.id', type: 'integer' },
      cursorSecret: options.cursorSecret,
    });
  }

  /**
   * A new task of the same request (and saved export) as task `id`, for `user`, who must be able to see
   * it; validated again, so an element removed since answers as for a new request.
   */
  async rerun(id: number, user: ExportUser): Promise<ExportTask> {
    const task = await this.get(id, user);
    return this.create(task.request, user, { remark: task.remark ?? null, savedExportId: task.savedExportId ?? null });
  }

  /** Cancels a queued task at once; a running one stops at its next batch. */
  async cancel(id: number, user: ExportUser): Promise<ExportTask> {
    const em = this.config.em.fork();
    const task = await this.get(id, user, em);
    const transitions = new TaskTransitions(em, user.username);
    if (task.status === 'queued' && (await transitions.cancelQueued(id))) {
      await discardTaskFile(transitions, this.config.storage, id, task.fileKey);
      return this.get(id, user);
    }
    if (!(await transitions.requestCancel(id))) {
      const current = await this.get(id, user);
      if (current.status === 'cancelled' || current.status === 'queued') return current;
      throw ExportTaskError.notCancellable(id, current.status);
    }
    return this.get(id, user);
  }

  /** Queues a failed or cancelled task again with a fresh attempt budget. */
  async retry(id: number, user: ExportUser): Promise<ExportTask> {
    const em = this.config.em.fork();
    const task = await this.get(id, user, em);
    if (task.status !== 'failed' && task.status !== 'cancelled') throw ExportTaskError.notRetryable(id, task.status);
    if (!(await new TaskTransitions(em, user.username).requeueForRetry(task))) throw ExportTaskError.notRetryable(id, (await this.get(id, user)).status);
    await this.config.dispatcher?.dispatch(id);
    return this.get(id, user);
  }

  /** The finished file of a task `user` may see. */
  async file(id: number, user: ExportUser): Promise<TaskFile> {
    const task = await this.get(id, user);
    if (task.status !== 'succeeded') throw ExportTaskError.notReady(id, task.status);
    const key = task.fileKey;
    if (!key || isTaskFileExpired(task)) throw ExportTaskError.fileExpired(id);
    // A file removed behind the task's back would otherwise fail mid-response.
    const size = await this.config.storage.size(key).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? ExportTaskError.fileMissing(id) : error;
    });
    return {
      stream: this.config.storage.read(key),
      fileName: task.fileName ?? `export-${id}`,
      contentType: task.contentType ?? 'application/octet-stream',
      size,
    };
  }

  /**
   * What `viewer` may see of `tasks` (which they may see: from `get` or `listQuery`), with their
   * deliveries, in `locale` (an `Accept-Language`; default: each task's own language).
   */
  async views(tasks: readonly ExportTask[], viewer: ExportUser, locale?: string): Promise<ExportTaskView[]> {
    const deliveries = await deliveriesByTask(
      this.config.em.fork(),
      tasks.map((task) => task.id),
    );
    return tasks.map((task) => this.view(task, viewer, { deliveries: deliveries.get(task.id), locale }));
  }

  /** What `viewer` may see of `task`, given its `deliveries` (see {@link views}, which loads them), in `locale`. */
  view(task: ExportTask, viewer: ExportUser, options: { deliveries?: DeliveryView[]; locale?: string } = {}): ExportTaskView {
    return {
      id: task.id,
      export: task.request.export,
      ...this.config.registry.summaryOf(task.request, options.locale),
      status: task.status,
      remark: task.remark ?? null,
      request: task.request,
      owner: { id: task.ownerId, username: task.ownerName },
      totalCount: task.totalCount ?? null,
      totalIsEstimate: task.totalIsEstimate,
      processedCount: task.processedCount,
      peakMemoryBytes: viewer.isAdmin ? (task.peakMemoryBytes ?? null) : null,
      cancelRequested: task.cancelRequestedAt !== null && task.cancelRequestedAt !== undefined,
      attempts: task.attempts,
      maxAttempts: task.maxAttempts,
      file:
        task.status === 'succeeded'
          ? {
              name: task.fileName ?? '',
              contentType: task.contentType ?? '',
              size: task.fileSize ?? 0,
              rows: task.processedCount,
              expiresAt: iso(task.expiresAt),
              expired: isTaskFileExpired(task),
            }
          : null,
      error:
        task.errorMessage === null || task.errorMessage === undefined
          ? null
          : { code: task.errorCode ?? null, message: task.errorMessage, ...(viewer.isAdmin && task.errorStack ? { stack: task.errorStack } : {}) },
      createdAt: task.createdAt.toISOString(),
      startedAt: iso(task.startedAt),
      finishedAt: iso(task.finishedAt),
      updatedAt: task.updatedAt.toISOString(),
      createdBy: task.createdBy,
      updatedBy: task.updatedBy,
      deliveries: options.deliveries ?? [],
      savedExportId: task.savedExportId ?? null,
    };
  }

  /**
   * Removes files past their expiry, and partial files of tasks that ended without one (failed,
   * cancelled). Returns how many files it removed.
   */
  async cleanup(now = new Date()): Promise<number> {
    const em = this.config.em.fork();
    const stale = await em.find(ExportTask, {
      fileKey: { $ne: null },
      $or: [{ status: 'succeeded', expiresAt: { $lte: now } }, { status: { $in: ['failed', 'cancelled'] } }],
    });
    const transitions = new TaskTransitions(em, 'cleanup');
    let removed = 0;
    for (const task of stale) {
      const key = task.fileKey as string;
      // The key is cleared only where it is still the same, so a task re-run meanwhile keeps its file.
      if (await transitions.forgetFile(task.id, key, task.status)) {
        await this.config.storage.remove(key);
        removed++;
      }
    }
    return removed;
  }
}

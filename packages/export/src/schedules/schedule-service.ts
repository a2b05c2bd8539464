import type { EntityManager } from '@mikro-orm/sql';
import { ValidationError } from '@sluice/core';
import type { ExportUser } from '../elements/export-context.ts';
import { SavedExportError } from '../saved/saved-export-error.ts';
import type { SavedExportService } from '../saved/saved-export-service.ts';
import { checkCronRule, nextRunAfter } from './cron-times.ts';
import { ExportSchedule } from './export-schedule-entity.ts';
import { ScheduleError } from './schedule-error.ts';
import { scheduleInputSchema } from './schedule-input.ts';
import { ScheduleRun } from './schedule-run-entity.ts';

/**
 * The schedules of saved exports, for their owners: read, set (create or replace), remove, and the
 * recent runs. A saved export the caller may not see answers `SAVED_EXPORT_NOT_FOUND`; one they may see
 * but do not own, `SAVED_EXPORT_FORBIDDEN`. `now` is the clock the next run time is computed from.
 *
 * @example
 * ```ts
 * const schedules = new ScheduleService(savedExports);
 * await schedules.set(board.id, { cron: '0 7 * * 1', timeZone: 'Europe/Brussels', recipients: [alice.id, carol.id], keepFiles: 4 }, alice);
 * const runs = await schedules.runs(board.id, alice); // started task ids, or skipped with a reason
 * ```
 */
export class ScheduleService {
  readonly savedExports: SavedExportService;
  readonly #now: () => Date;

  constructor(savedExports: SavedExportService, options: { now?: () => Date } = {}) {
    this.savedExports = savedExports;
    this.#now = options.now ?? (() => new Date());
  }

  get #em(): EntityManager {
    return this.savedExports.tasks.config.em.fork();
  }

  /** The schedule of saved export `id`, owner only; `SCHEDULE_NOT_FOUND` when it has none. */
  async get(id: number, user: ExportUser): Promise<ExportSchedule> {
    await this.#owned(id, user, 'schedule');
    const schedule = await this.#em.findOne(ExportSchedule, { savedExportId: id });
    if (!schedule) throw ScheduleError.notFound(id);
    return schedule;
  }

  /**
   * Sets the schedule of saved export `id` (owner only), replacing any: validates the cron, zone and
   * recipients (known users), and computes the next run after now (none while disabled).
   */
  async set(id: number, body: unknown, user: ExportUser): Promise<ExportSchedule> {
    await this.#owned(id, user, 'schedule');
    const parsed = scheduleInputSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      if (issue?.path[0] === 'cron' || issue?.path[0] === 'timeZone') throw ScheduleError.invalid(String(issue.path[0]), issue.message);
      throw ValidationError.fromIssues(parsed.error.issues.map((item) => ({ path: item.path.join('.') || 'body', message: item.message })));
    }
    const input = parsed.data;
    checkCronRule(input);
    await this.#checkRecipients(input.recipients);
    const now = this.#now();
    const fields = {
      cron: input.cron.trim().split(/\s+/).join(' '),
      timeZone: input.timeZone,
      enabled: input.enabled,
      recipients: input.recipients,
      keepFiles: input.keepFiles,
      nextRunAt: input.enabled ? nextRunAfter(input, now) : null,
      updatedAt: new Date(),
    };
    const em = this.#em;
    // One statement: two concurrent first settings do not both insert.
    await em.upsert(
      ExportSchedule,
      { savedExportId: id, ...fields, createdAt: new Date() },
      { onConflictFields: ['savedExportId'], onConflictExcludeFields: ['createdAt'] },
    );
    return this.get(id, user);
  }

  /** Removes the schedule of saved export `id` and its runs (owner only); its tasks stay. */
  async delete(id: number, user: ExportUser): Promise<void> {
    const schedule = await this.get(id, user);
    const em = this.#em;
    await em.nativeDelete(ScheduleRun, { scheduleId: schedule.id });
    await em.nativeDelete(ExportSchedule, { id: schedule.id });
  }

  /** The latest runs of saved export `id`'s schedule, newest first (owner only). */
  async runs(id: number, user: ExportUser, limit = 50): Promise<ScheduleRun[]> {
    const schedule = await this.get(id, user);
    return this.#em.find(ScheduleRun, { scheduleId: schedule.id }, { orderBy: { dueAt: 'desc', recipientId: 'asc' }, limit });
  }

  async #owned(id: number, user: ExportUser, action: string): Promise<void> {
    const saved = await this.savedExports.get(id, user);
    if (saved.ownerId !== user.id) throw SavedExportError.forbidden(id, action);
  }

  async #checkRecipients(ids: readonly number[]): Promise<void> {
    const { loadUser } = this.savedExports.tasks.config;
    for (const recipientId of ids) {
      if (!(await loadUser(this.#em, recipientId))) throw ScheduleError.invalid('recipients', `user ${recipientId} does not exist`);
    }
  }
}

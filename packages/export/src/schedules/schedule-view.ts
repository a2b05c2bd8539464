import { z } from 'zod';
import type { ExportSchedule } from './export-schedule-entity.ts';
import { type ScheduleRun, scheduleRunStatuses } from './schedule-run-entity.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/**
 * What the owner sees of a saved export's schedule (HTTP, UI).
 *
 * @example routes.get('/:id/schedule', { schema: { response: { 200: scheduleViewSchema } } }, ...)
 */
export const scheduleViewSchema = z.object({
  savedExportId: z.number().int(),
  cron: z.string(),
  timeZone: z.string(),
  enabled: z.boolean(),
  recipients: z.array(z.number().int()),
  keepFiles: z.number().int(),
  nextRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type ScheduleView = z.infer<typeof scheduleViewSchema>;

/** One run of a schedule for one recipient: the task it started, or why it was skipped. */
export const scheduleRunViewSchema = z.object({
  id: z.number().int(),
  dueAt: z.string(),
  recipientId: z.number().int(),
  status: z.enum(scheduleRunStatuses),
  taskId: z.number().int().nullable(),
  reason: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
});
export type ScheduleRunView = z.infer<typeof scheduleRunViewSchema>;

/** The view of `schedule`. */
export function scheduleView(schedule: ExportSchedule): ScheduleView {
  return {
    savedExportId: schedule.savedExportId,
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    enabled: schedule.enabled,
    recipients: schedule.recipients,
    keepFiles: schedule.keepFiles,
    nextRunAt: iso(schedule.nextRunAt),
    lastRunAt: iso(schedule.lastRunAt),
    updatedAt: schedule.updatedAt.toISOString(),
  };
}

/** The view of `run`. */
export function scheduleRunView(run: ScheduleRun): ScheduleRunView {
  return {
    id: run.id,
    dueAt: run.dueAt.toISOString(),
    recipientId: run.recipientId,
    status: run.status,
    taskId: run.taskId ?? null,
    reason: run.reasonCode ? { code: run.reasonCode, message: run.reason ?? '' } : null,
    createdAt: run.createdAt.toISOString(),
  };
}

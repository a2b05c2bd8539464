import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** `pending` (claimed, no task yet), `started` (its task exists) or `skipped` (with a reason). */
export const scheduleRunStatuses = ['pending', 'started', 'skipped'] as const;
export type ScheduleRunStatus = (typeof scheduleRunStatuses)[number];

/**
 * One due time of one schedule for one recipient. Written `pending` in the transaction that claims the
 * due time, and turned `started` in the transaction that creates the recipient's task: a runner killed
 * between the two leaves a pending run that another runner starts, and never two tasks.
 */
export const ScheduleRun = defineEntity({
  name: 'ScheduleRun',
  tableName: 'schedule_run',
  properties: {
    id: p.integer().primary(),
    scheduleId: p.integer().index(),
    savedExportId: p.integer(),
    dueAt: p.datetime(3),
    recipientId: p.integer(),
    status: p.enum(scheduleRunStatuses),
    taskId: p.integer().nullable(),
    /** Why a skipped run did not start: a stable code and a sentence. */
    reasonCode: p.string().length(100).nullable(),
    reason: p.text().nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
  uniques: [{ properties: ['scheduleId', 'dueAt', 'recipientId'] }],
  indexes: [{ properties: ['status'] }],
});
export type ScheduleRun = InferEntity<typeof ScheduleRun>;

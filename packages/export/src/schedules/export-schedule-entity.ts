import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * When a saved export runs by itself, and for whom: a 5-field cron read in `timeZone`, the recipients
 * (user ids; each gets a task run as themselves, e-mailed to them) and how many files of each recipient
 * are kept. One per saved export. `nextRunAt` is the claim guard: a {@link ScheduleRunner} moves it on
 * with one UPDATE that names the value it read, so each due time is claimed by exactly one runner.
 *
 * @example new MikroORM({ entities: [ExportTask, ExportTaskOwner, SavedExport, ExportSchedule, ScheduleRun, ...yours] })
 */
export const ExportSchedule = defineEntity({
  name: 'ExportSchedule',
  tableName: 'export_schedule',
  properties: {
    id: p.integer().primary(),
    /** No foreign key, like tasks: the schedule is deleted with its saved export by the service. */
    savedExportId: p.integer().unique(),
    cron: p.string().length(100),
    timeZone: p.string().length(64),
    enabled: p.boolean().default(true),
    recipients: p.json<number[]>().columnType('json'),
    /** Files kept per recipient: the tasks of older runs expire, and the task file cleanup removes them. */
    keepFiles: p.integer(),
    /** The next due time (null while disabled). */
    nextRunAt: p.datetime(3).nullable(),
    /** The due time of the last claimed run. */
    lastRunAt: p.datetime(3).nullable(),
    /** The runner starting the runs of the last claim; after `leaseUntil` another takes over its pending runs. */
    leaseOwner: p.string().length(100).nullable(),
    leaseUntil: p.datetime(3).nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
  indexes: [{ properties: ['enabled', 'nextRunAt'] }],
});
export type ExportSchedule = InferEntity<typeof ExportSchedule>;

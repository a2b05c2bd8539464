import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { ExportRequest } from '../pipeline/export-request.ts';
import type { ExportCheckpoint } from '../pipeline/write-export.ts';

/** Where a task stands. `queued` and `running` are live; the other three are final until a retry. */
export const exportTaskStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type ExportTaskStatus = (typeof exportTaskStatuses)[number];

/** The statuses of a task that is not over yet: it may still run, progress or be cancelled. */
export const liveTaskStatuses = ['queued', 'running'] as const satisfies readonly ExportTaskStatus[];

/** Whether a task in `status` is not over yet. */
export function isLiveStatus(status: ExportTaskStatus): boolean {
  return (liveTaskStatuses as readonly ExportTaskStatus[]).includes(status);
}

/** Where a task's list export stopped durably: the export's checkpoint and the file that holds it. */
export interface TaskCheckpoint extends ExportCheckpoint {
  /** File length at that position; anything after it is cut before resuming. */
  bytes: number;
  /** What the file's storage needs to continue it (e.g. an object store's upload and parts). */
  storageState?: unknown;
}

/**
 * One asynchronous export: the validated request (never SQL), who asked, where it stands, and the file
 * it produced. The row is the source of truth for every worker and dispatcher.
 */
export const ExportTask = defineEntity({
  name: 'ExportTask',
  tableName: 'export_task',
  properties: {
    id: p.integer().primary(),
    ownerId: p.integer().index(),
    ownerName: p.string().length(100),
    request: p.json<ExportRequest>().columnType('json'),
    remark: p.string().length(500).nullable(),
    status: p.enum(exportTaskStatuses),
    totalCount: p.integer().nullable(),
    /** `totalCount` is the planner's estimate (a big PostgreSQL list) until the task succeeds. */
    totalIsEstimate: p.boolean().default(false),
    processedCount: p.integer().default(0),
    peakMemoryBytes: p.bigint('number').nullable(),
    fileKey: p.string().length(200).nullable(),
    fileName: p.string().length(200).nullable(),
    contentType: p.string().length(200).nullable(),
    fileSize: p.bigint('number').nullable(),
    errorCode: p.string().length(100).nullable(),
    errorMessage: p.text().nullable(),
    errorStack: p.text().nullable(),
    attempts: p.integer().default(0),
    maxAttempts: p.integer(),
    /** Crashes since the last checkpoint: a lost lease gives its attempt back and counts here instead. */
    crashes: p.integer().default(0),
    /** A queued task is not claimed before this time (retry back-off). */
    runAfter: p.datetime(3),
    createdAt: p.datetime(3),
    startedAt: p.datetime(3).nullable(),
    finishedAt: p.datetime(3).nullable(),
    updatedAt: p.datetime(3),
    createdBy: p.string().length(100),
    updatedBy: p.string().length(100),
    leaseOwner: p.string().length(100).nullable(),
    leaseExpiresAt: p.datetime(3).nullable(),
    cancelRequestedAt: p.datetime(3).nullable(),
    checkpoint: p.json<TaskCheckpoint>().columnType('json').nullable(),
    /** The file is removed by cleanup after this time. */
    expiresAt: p.datetime(3).nullable(),
    /** The saved export it was run from, if any (kept by re-runs; no foreign key: deleting one keeps its tasks). */
    savedExportId: p.integer().nullable(),
  },
  // Claims look for due queued tasks; "my tasks" pages walk an owner's ids (the owner index).
  indexes: [{ properties: ['status', 'runAfter'] }],
});
export type ExportTask = InferEntity<typeof ExportTask>;

/** What a task starts over from when it is retried or forced to run again: no progress, no outcome. */
export const freshRun = {
  processedCount: 0,
  crashes: 0,
  totalCount: null,
  totalIsEstimate: false,
  cancelRequestedAt: null,
  finishedAt: null,
  errorCode: null,
  errorMessage: null,
  errorStack: null,
} as const;

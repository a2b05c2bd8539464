import { z } from 'zod';
import { deliveryViewSchema } from '../delivery/delivery-view.ts';
import { exportTaskStatuses } from './export-task-entity.ts';

/**
 * What users see of a task (HTTP, CLI): the one definition of its shape, so the service's type and an
 * API's response schema cannot drift apart.
 *
 * @example routes.get('/api/export-tasks/:id', { schema: { response: { 200: exportTaskViewSchema } } }, ...)
 */
export const exportTaskViewSchema = z.object({
  id: z.number().int(),
  export: z.string(),
  /** The request in words, in the reader's language: the export's title, its sentences, the format's title. */
  title: z.string(),
  description: z.array(z.string()),
  formatter: z.string(),
  status: z.enum(exportTaskStatuses),
  remark: z.string().nullable(),
  request: z.unknown(),
  owner: z.object({ id: z.number().int(), username: z.string() }),
  totalCount: z.number().int().nullable(),
  /** `totalCount` is PostgreSQL's planner estimate of a big list, until the task succeeds. */
  totalIsEstimate: z.boolean(),
  processedCount: z.number().int(),
  /** Shown to admins only (an operator's figure, not a reader's). */
  peakMemoryBytes: z.number().nullable(),
  cancelRequested: z.boolean(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  file: z
    .object({ name: z.string(), contentType: z.string(), size: z.number(), rows: z.number().int(), expiresAt: z.string().nullable(), expired: z.boolean() })
    .nullable(),
  /** The stack is shown to admins only. */
  error: z.object({ code: z.string().nullable(), message: z.string(), stack: z.string().optional() }).nullable(),
  /** E-mails and webhooks sent when the task succeeds, and where each stands. */
  deliveries: z.array(deliveryViewSchema),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
  /** The saved export it was run from, if any. */
  savedExportId: z.number().int().nullable(),
});

/** A task as users see it. */
export type ExportTaskView = z.infer<typeof exportTaskViewSchema>;

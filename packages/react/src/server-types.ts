/**
 * The shapes the sluice routes answer, derived from the server packages' own zod schemas and types, so
 * a change on the server is a type error here instead of a silent drift. Type-only: nothing of the server
 * packages reaches the browser bundle.
 */
import type { CollectionChangeView, FieldChangeView, HistoryEntry, StateAsOf } from '@sluice/audit';
import type { ErrorResponseBody, ValidationIssue } from '@sluice/core';
import type {
  ColumnChoice,
  deliveryRequestSchema,
  ExportCheck,
  ExportIssue,
  exportRequestSchema,
  exportTaskViewSchema,
  JsonResult,
  OfferedColumn,
  OfferedElement,
  OfferedExport,
  savedExportViewSchema,
  scheduleInputSchema,
  scheduleRunViewSchema,
  scheduleViewSchema,
} from '@sluice/export';
import type { Page } from '@sluice/pagination';
import type { summaryResponseSchema } from '@sluice/sync';
import type { z } from 'zod';

export type { CollectionChangeView, ColumnChoice, ErrorResponseBody, ExportCheck, FieldChangeView, OfferedColumn, OfferedElement, OfferedExport, Page };

/** `POST /api/exports/preview`: typed columns, labelled cells, the request in sentences. */
export type ExportPreview = JsonResult;

/** An export task as `/api/export-tasks` answers it. */
export type ExportTask = z.infer<typeof exportTaskViewSchema>;

/** A delivery of a finished task as a client asks for it (e-mail or webhook). */
export type DeliveryRequest = z.input<typeof deliveryRequestSchema>;

/** A task's delivery as the task view shows it. */
export type TaskDelivery = ExportTask['deliveries'][number];

/** Where a task is in its life. */
export type ExportTaskStatus = ExportTask['status'];

/** An export request as a client writes it (the server fills in the defaults). */
export type ExportRequestInput = z.input<typeof exportRequestSchema>;

/** `GET /api/sync/summary`: the mappings the user may sync, their checkpoints and the watermark. */
export type SyncSummary = z.infer<typeof summaryResponseSchema>;

/** One revision of an entity's history as the history route answers it (the entity is in the URL). */
export type HistoryEntryView = Omit<HistoryEntry, 'correlationId' | 'entity' | 'entityId'>;

/** An entity's tracked state at a past time; all `null` when nothing was recorded before it. */
export type HistoryAsOf = StateAsOf | { [Key in keyof StateAsOf]: null };

/** A problem with one field of a request, by its dotted path (e.g. `filters.person_birthdate.to`). */
export type FieldIssue = ExportIssue | ValidationIssue;

/** A saved export as `/api/saved-exports` answers it. */
export type SavedExport = z.infer<typeof savedExportViewSchema>;

/** What `POST /api/saved-exports` takes (a `PUT` any of it, plus the `expectedVersion` it read). */
export interface SavedExportInput {
  name: string;
  description?: string | null;
  request: ExportRequestInput;
  /** Users holding one of these roles in one of their scopes may see and run it. */
  sharedRoles?: string[];
  /** Users using one of these scopes may see and run it. */
  sharedScopes?: (string | number)[];
}

/** A saved export's schedule as `/api/saved-exports/:id/schedule` answers it. */
export type ExportScheduleView = z.infer<typeof scheduleViewSchema>;

/** What `PUT /api/saved-exports/:id/schedule` takes. */
export type ExportScheduleInput = z.input<typeof scheduleInputSchema>;

/** One run of a schedule for one recipient: its task, or why it was skipped. */
export type ScheduleRunView = z.infer<typeof scheduleRunViewSchema>;

/** A user who may receive scheduled exports (`GET /api/users`), by name only. */
export interface RecipientUser {
  id: number;
  username: string;
}

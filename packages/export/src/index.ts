/**
 * `@sluice/export`: a report composed as a sentence (one Export, any Filters and Aggregators, one
 * Formatter), run as one query limited to the user's scopes, streamed in flat memory; big ones as
 * background tasks that survive a killed worker.
 *
 * @example
 * ```ts
 * const registry = new ExportRegistry().registerExport(listBooks).registerFormatter(csvListFormatter);
 * const writing = await writeExport(registry.prepare({ export: 'list_books', formatter: { alias: 'csv_list' } }, user), em, createWriteStream('books.csv'));
 * await writing.done; // the row count
 * ```
 * @packageDocumentation
 */
export { DeliveryError, deliveryErrorCodes } from './delivery/delivery-error.ts';
export { type DeliveryPolicy, type PlannedDelivery, planDeliveries, webhookUrlRefusal } from './delivery/delivery-policy.ts';
export {
  type DeliveryRequest,
  deliveriesSchema,
  deliveryRequestSchema,
  emailDeliverySchema,
  maxDeliveriesPerTask,
  webhookDeliverySchema,
} from './delivery/delivery-request.ts';
export { type DeliveryView, deliveryViewSchema } from './delivery/delivery-view.ts';
export { DeliveryWorker, type DeliveryWorkerConfig } from './delivery/delivery-worker.ts';
export { type DeliveryKind, type DeliveryStatus, deliveryKinds, deliveryStatuses, ExportDelivery } from './delivery/export-delivery-entity.ts';
export { type Mailer, type MailMessage, SmtpMailer } from './delivery/mailer.ts';
export type { WebhookPayload, WebhookSettings } from './delivery/webhook-sender.ts';
export { signWebhook, type VerifyWebhookOptions, verifyWebhookSignature, webhookSignatureHeader } from './delivery/webhook-signature.ts';
export type { AggregatorDefinition } from './elements/aggregator-definition.ts';
export { CalendarDate, type ColumnType, columnTypes, FixedDecimal, maxPrecision, typedValue } from './elements/column-type.ts';
export type { ElementBase } from './elements/element-base.ts';
export { type SubqueryCondition, whereExists } from './elements/exists-condition.ts';
export type { AnyQueryBuilder, ExportContext, ExportUser } from './elements/export-context.ts';
export type { ExportDefinition, ListExportDefinition, ResultColumn, SelectedExpression, TabularExportDefinition } from './elements/export-definition.ts';
export {
  type DatabaseCsvFormat,
  type DatabaseText,
  type DatabaseTextColumn,
  type ExportResult,
  groupLabel,
  type ListResult,
  type ResultInfo,
  type TabularResult,
} from './elements/export-result.ts';
export type { FilterDefinition } from './elements/filter-definition.ts';
export type { FormatterDefinition, ResumableListWriter } from './elements/formatter-definition.ts';
export { type ExportTranslator, type Translate, translateFor, untranslated } from './elements/translation.ts';
export { csvFormatter, csvListFormatter } from './formatters/csv-formatter.ts';
export { type JsonCell, type JsonResult, jsonFormatter, jsonResultSchema, tabularJson } from './formatters/json-formatter.ts';
export { odsFormatter } from './formatters/ods-formatter.ts';
export { cellText, neutraliseFormula } from './formatters/spreadsheet-cell.ts';
export { type SpreadsheetParams, spreadsheetParams } from './formatters/spreadsheet-writer.ts';
export { checkPivot, type Grid, headerBlock, type Pivot, pivotSchema, toGrid } from './formatters/tabular-grid.ts';
export { xlsxFormatter } from './formatters/xlsx-formatter.ts';
export { ExportError, type ExportIssue, exportErrorCodes } from './pipeline/export-error.ts';
export { exportFileName } from './pipeline/export-file-name.ts';
export { ExportRegistry, type ExportRegistryOptions, type PreparedExport } from './pipeline/export-registry.ts';
export { type ColumnChoice, columnChoiceSchema, type ExportRequest, exportRequestSchema } from './pipeline/export-request.ts';
export {
  type ExportCheck,
  exportCheckSchema,
  type OfferedColumn,
  type OfferedElement,
  type OfferedExport,
  offeredColumnSchema,
  offeredElementSchema,
  offeredExportSchema,
} from './pipeline/offered-export.ts';
export { describeExport, type ListPosition, type RunOptions, runExport } from './pipeline/run-export.ts';
export { tuneForStreaming } from './pipeline/streaming-memory.ts';
export { canResume, type ExportCheckpoint, type ExportWriting, type WriteExportOptions, writeExport } from './pipeline/write-export.ts';
export { SavedExport } from './saved/saved-export-entity.ts';
export { SavedExportError, savedExportErrorCodes } from './saved/saved-export-error.ts';
export { type SavedExportInput, type SavedExportUpdate, savedExportInputSchema, savedExportUpdateSchema } from './saved/saved-export-input.ts';
export { SavedExportService } from './saved/saved-export-service.ts';
export { canSee, isShared, type SavedExportSharing } from './saved/saved-export-sharing.ts';
export { type SavedExportView, savedExportView, savedExportViewSchema } from './saved/saved-export-view.ts';
export { type CronRule, checkCronRule, isTimeZone, latestRunAtOrBefore, nextRunAfter } from './schedules/cron-times.ts';
export { ExportSchedule } from './schedules/export-schedule-entity.ts';
export { ScheduleError, scheduleErrorCodes } from './schedules/schedule-error.ts';
export { maxScheduleRecipients, type ScheduleInput, scheduleInputSchema } from './schedules/schedule-input.ts';
export { ScheduleRun, type ScheduleRunStatus, scheduleRunStatuses } from './schedules/schedule-run-entity.ts';
export { ScheduleRunner, type ScheduleRunnerConfig, type ScheduleTick } from './schedules/schedule-runner.ts';
export { ScheduleService } from './schedules/schedule-service.ts';
export {
  type ScheduleRunView,
  type ScheduleView,
  scheduleRunView,
  scheduleRunViewSchema,
  scheduleView,
  scheduleViewSchema,
} from './schedules/schedule-view.ts';
export { FileSink } from './storage/file-sink.ts';
export { checkedFileKey, DirectoryTaskStorage, newFileKey, type SinkCheckpoint, type TaskSink, type TaskStorage } from './storage/task-storage.ts';
export { TaskStorageError, taskStorageErrorCodes } from './storage/task-storage-error.ts';
export { type ExportTaskConfig, type ResolvedTaskConfig, resolveTaskConfig, type TaskDispatcher } from './tasks/export-task-config.ts';
export { ExportTask, type ExportTaskStatus, exportTaskStatuses, isLiveStatus, liveTaskStatuses, type TaskCheckpoint } from './tasks/export-task-entity.ts';
export { ExportTaskError, exportTaskErrorCodes } from './tasks/export-task-error.ts';
export { ExportTaskOwner } from './tasks/export-task-owner.ts';
export { ExportTaskRunner, newWorkerId } from './tasks/export-task-runner.ts';
export { ExportTaskService, type TaskCreateOptions, type TaskFile } from './tasks/export-task-service.ts';
export { type ExportTaskView, exportTaskViewSchema } from './tasks/export-task-view.ts';
export { PollingTaskWorker, type TaskWorkerOptions } from './tasks/polling-task-worker.ts';
export type { RunTaskOptions, TaskProgress } from './tasks/task-execution.ts';
export type { TaskWorker, WorkerBasics } from './tasks/task-worker.ts';

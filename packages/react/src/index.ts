export type { CurrentUser } from './current-user.ts';
export { ErrorNotice } from './error-notice.tsx';
export { ExportBuilder, type ExportBuilderProps, type ExportBuilderStart } from './export-builder/export-builder.tsx';
export { HistoryTimeline, type HistoryTimelineProps } from './history-timeline/history-timeline.tsx';
export type { LocaleFormat } from './locale-format.ts';
export { defaultMessages, type SluiceMessages } from './messages.ts';
export { frenchMessages } from './messages-fr.ts';
export { dutchMessages } from './messages-nl.ts';
export { SavedExportList, type SavedExportListProps } from './saved-exports/saved-export-list.tsx';
export { cronOf, formOf, type ScheduleForm, type ScheduleRepeat, scheduleRepeats } from './saved-exports/schedule-cron.ts';
export { ScheduleEditor, type ScheduleEditorProps } from './saved-exports/schedule-editor.tsx';
export type {
  CollectionChangeView,
  DeliveryRequest,
  ErrorResponseBody,
  ExportCheck,
  ExportPreview,
  ExportRequestInput,
  ExportScheduleInput,
  ExportScheduleView,
  ExportTask,
  ExportTaskStatus,
  FieldChangeView,
  FieldIssue,
  HistoryAsOf,
  HistoryEntryView,
  OfferedElement,
  OfferedExport,
  Page,
  RecipientUser,
  SavedExport,
  SavedExportInput,
  ScheduleRunView,
  SyncSummary,
  TaskDelivery,
} from './server-types.ts';
export { SluiceApiError } from './sluice-api-error.ts';
export { type CallOptions, createSluiceClient, type DownloadedFile, type PageRequest, type SluiceClient, type SluiceClientOptions } from './sluice-client.ts';
export { type SluiceContextValue, SluiceProvider, type SluiceProviderProps, useSluice } from './sluice-provider.tsx';
export { SyncStatus, type SyncStatusProps } from './sync-status/sync-status.tsx';
export type { EventSourceClass, TaskEventListener } from './task-events.ts';
export { TaskList, type TaskListProps } from './task-list/task-list.tsx';
export { type Resource, useResource } from './use-resource.ts';

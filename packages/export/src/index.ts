export { CalendarDate, type ColumnType, typedValue } from './column-type.ts';
export { csvFormatter, csvListFormatter } from './csv-formatter.ts';
export type {
  AggregatorDefinition,
  AnyQueryBuilder,
  ElementBase,
  ExportContext,
  ExportDefinition,
  ExportUser,
  FilterDefinition,
  FormatterDefinition,
  ResultColumn,
  ResumableListWriter,
  SelectedExpression,
} from './elements.ts';
export { type SubqueryCondition, whereExists } from './exists-condition.ts';
export { ExportError, type ExportIssue, exportErrorCodes } from './export-error.ts';
export { exportFileName } from './export-file-name.ts';
export { ExportRegistry, type OfferedElement, type OfferedExport, type PreparedExport } from './export-registry.ts';
export { type ExportRequest, exportRequestSchema } from './export-request.ts';
export { type DatabaseCsvFormat, type ExportResult, groupLabel, type ListResult, type ResultInfo, type TabularResult } from './export-result.ts';
export { type ExportTaskConfig, type ResolvedTaskConfig, resolveTaskConfig, type TaskDispatcher } from './export-task-config.ts';
export { ExportTask, type ExportTaskStatus, exportTaskStatuses, type TaskCheckpoint } from './export-task-entity.ts';
export { ExportTaskError, exportTaskErrorCodes } from './export-task-error.ts';
export { ExportTaskOwner } from './export-task-owner.ts';
export { ExportTaskRunner, newWorkerId, type RunTaskOptions, type TaskProgress } from './export-task-runner.ts';
export { ExportTaskService, type TaskFile } from './export-task-service.ts';
export { type ExportTaskView, exportTaskViewSchema } from './export-task-view.ts';
export { FileSink } from './file-sink.ts';
export { type JsonCell, jsonFormatter, tabularJson } from './json-formatter.ts';
export { odsFormatter } from './ods-formatter.ts';
export { ExportTaskWorker, type TaskWorkerOptions } from './polling-task-worker.ts';
export { describeExport, type RunOptions, runExport } from './run-export.ts';
export { cellText, neutraliseFormula } from './spreadsheet-cell.ts';
export { type SpreadsheetParams, spreadsheetParams } from './spreadsheet-writer.ts';
export { tuneForStreaming } from './streaming-memory.ts';
export { checkPivot, type Grid, headerBlock, type Pivot, pivotSchema, toGrid } from './tabular-grid.ts';
export { checkedFileKey, DirectoryTaskStorage, newFileKey, type SinkCheckpoint, type TaskSink, type TaskStorage } from './task-storage.ts';
export type { TaskWorker, WorkerBasics } from './task-worker.ts';
export { xlsxFormatter } from './xlsx-formatter.ts';

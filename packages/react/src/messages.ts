import { englishStringTranslator, type TranslatableString } from '@rjsf/utils';
import type { ExportTaskStatus, TaskDelivery } from './server-types.ts';

/**
 * Every string the components show, in one object: replace any of them through `<SluiceProvider messages>`.
 * Functions take their values already formatted for the provider's `locale` (numbers, dates, sizes,
 * durations), plus the raw count where a language needs it for plurals. Texts that come from the server
 * (export titles, sentences, history texts, error messages) are the server's.
 */
export interface SluiceMessages {
  /** Shown where a value is missing. */
  missingValue: string;
  networkError: string;
  unexpectedAnswer(values: { status: number }): string;
  errorCode(values: { code: string }): string;
  /** rjsf's own texts in the parameter forms (buttons of arrays, "or", …). */
  formText(text: TranslatableString, params?: string[]): string;
  /** The empty choice of an optional select, whose field's description says what it then is. */
  defaultChoice: string;

  noExports: string;
  exportLabel: string;
  filtersLegend: string;
  groupByLegend: string;
  scopesLegend: string;
  allScopesHint: string;
  formatLegend: string;
  pivotLayout: string;
  pivotRows: string;
  pivotColumns: string;
  /** The server's sentences for the request (`["Count people", "Grouped by gender"]`) and the formatter's title, as one sentence. */
  requestSentence(values: { parts: string[]; formatter: string }): string;
  fieldIssue(values: { path: string; message: string }): string;
  fixMarkedFields: string;
  preview: string;
  previewBusy: string;
  download: string;
  downloadBusy: string;
  runAsTask: string;
  runAsTaskBusy: string;
  /** A list's column editor: tick, rename, reorder. */
  columnsLegend: string;
  columnHeader(values: { column: string }): string;
  moveUp(values: { column: string }): string;
  moveDown(values: { column: string }): string;
  defaultColumns: string;
  noColumnChosen: string;
  downloadTooLarge: string;
  largeResultHint: string;
  taskQueued(values: { id: number }): string;
  notifyByEmail: string;
  attachFile: string;
  copyCommands: string;
  copyAs(values: { name: string }): string;
  copied: string;
  previewHeading: string;
  previewStale: string;
  previewTruncated(values: { rows: string; count: number }): string;
  chartLabel(values: { title: string }): string;
  saveChart: string;

  tasksLabel: string;
  taskTitle(values: { id: number; export: string }): string;
  taskSummary(values: { formatter: string; createdAt: string }): string;
  /** Whose task it is: its rows are what that user may see. */
  taskFor(values: { owner: string }): string;
  /** The asker's note on the task, shown in quotes. */
  taskRemark(values: { remark: string }): string;
  taskStatus: Record<ExportTaskStatus | 'cancelling', string>;
  taskProgressLabel(values: { id: number }): string;
  /** Read out by screen readers when a task's status or tenth of progress changes. */
  taskAnnouncement(values: { id: number; status: string; percent: string }): string;
  taskRows(values: { processed: string; total: string; estimate: boolean }): string;
  rowsPerSecond(values: { rate: string }): string;
  eta(values: { duration: string }): string;
  took(values: { duration: string }): string;
  peakMemory(values: { size: string }): string;
  attempt(values: { attempt: number; max: number }): string;
  downloadFile(values: { name: string; size: string }): string;
  fileExpired: string;
  cancel: string;
  retry: string;
  deliveriesLabel: string;
  /** Where a delivery goes: "E-mail to alice@example.com". */
  deliveryTarget(values: { kind: TaskDelivery['kind']; target: string }): string;
  /** Where it stands; `retrying` is a pending delivery whose last attempt failed, `waiting` one not tried yet. */
  deliveryStatus: Record<'waiting' | 'retrying' | 'sending' | 'sent' | 'failed', string>;
  deliveryNextTry(values: { at: string }): string;
  noTasks: string;
  newestTasks: string;
  olderTasks: string;
  rerun: string;
  openInBuilder: string;
  /** Beside a task run from a saved export. */
  fromSavedExport(values: { id: number }): string;

  savedExportsLabel: string;
  noSavedExports: string;
  savedOwner(values: { owner: string }): string;
  savedMine: string;
  runSaved: string;
  duplicate: string;
  delete: string;
  saveLegend: string;
  saveName: string;
  saveDescription: string;
  save: string;
  saveChanges: string;
  saveAsNew: string;
  saveBusy: string;
  shareLegend: string;
  shareWithScope(values: { scope: string }): string;
  shareWithRole(values: { role: string }): string;
  shareHint: string;
  confirmDelete: string;
  savedAs(values: { name: string }): string;
  /** An update lost to someone else's: what happened and what to do, in words. */
  savedConflict: string;

  /** The schedule editor of a saved export (owner only). */
  scheduleButton: string;
  scheduleLegend: string;
  scheduleNextRun(values: { at: string }): string;
  scheduleNoNextRun: string;
  scheduleRepeat: string;
  scheduleRepeats: Record<'daily' | 'weekly' | 'monthly' | 'cron', string>;
  scheduleWeekday: string;
  /** Sunday first, as cron counts them. */
  weekdays: string[];
  scheduleDayOfMonth: string;
  scheduleCron: string;
  scheduleTime: string;
  scheduleTimeZone: string;
  scheduleRecipients: string;
  scheduleRecipientsHint: string;
  scheduleKeepFiles: string;
  scheduleEnabled: string;
  scheduleSave: string;
  scheduleRemove: string;
  scheduleRunsLabel: string;
  scheduleNoRuns: string;
  scheduleRunStarted(values: { at: string; recipient: string; taskId: number }): string;
  scheduleRunSkipped(values: { at: string; recipient: string; reason: string }): string;
  scheduleRunPending(values: { at: string; recipient: string }): string;

  historyCreated: string;
  historyDeleted: string;
  historyByline(values: { at: string; actor: string }): string;
  systemActor: string;
  noHistory: string;
  olderHistory: string;
  asOfLabel: string;
  asOfRevision: string;
  asOfNothing: string;

  syncIntro: string;
  watermark: string;
  heldBack: string;
  heldBackValue(values: { changes: string; count: number; duration: string }): string;
  mappingColumn: string;
  latestVersionColumn: string;
  checkpointColumn: string;
  noMappings: string;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * The English texts, used for any message the provider is not given.
 *
 * @example
 * ```tsx
 * <SluiceProvider client={client} messages={{ ...frenchMessages, preview: 'Aperçu' }} locale="fr-BE">…</SluiceProvider>
 * ```
 */
export const defaultMessages: SluiceMessages = {
  missingValue: '–',
  networkError: 'The server cannot be reached. Check your connection and try again.',
  unexpectedAnswer: ({ status }) => `The server answered with status ${status}.`,
  errorCode: ({ code }) => `(${code})`,
  formText: englishStringTranslator,
  defaultChoice: 'Default',

  noExports: 'There is nothing you may export.',
  exportLabel: 'Export',
  filtersLegend: 'Filters',
  groupByLegend: 'Group by',
  scopesLegend: 'Scopes',
  allScopesHint: 'None ticked: all of yours.',
  formatLegend: 'Format',
  pivotLayout: 'Layout',
  pivotRows: 'As rows',
  pivotColumns: 'As columns',
  requestSentence: ({ parts: [first, ...rest], formatter }) =>
    first ? [first, ...rest.map(lowerFirst), ...(formatter ? [`as ${formatter}`] : [])].join(', ') : '',
  fieldIssue: ({ path, message }) => `${path}: ${message}`,
  fixMarkedFields: 'Fix the marked fields first.',
  preview: 'Preview',
  previewBusy: 'Loading preview…',
  download: 'Download now',
  downloadBusy: 'Downloading…',
  runAsTask: 'Run as a background task',
  runAsTaskBusy: 'Queuing…',
  columnsLegend: 'Columns',
  columnHeader: ({ column }) => `Header for ${column}`,
  moveUp: ({ column }) => `Move ${column} up`,
  moveDown: ({ column }) => `Move ${column} down`,
  defaultColumns: 'Default columns',
  noColumnChosen: 'Choose at least one column.',
  downloadTooLarge: 'More rows than a preview holds: run it as a task, so the download cannot time out',
  largeResultHint: 'This result has more rows than a preview holds: a background task is the safe way to get it.',
  taskQueued: ({ id }) => `Queued as task #${id}.`,
  notifyByEmail: 'Notify me by e-mail when it is ready',
  attachFile: 'Attach the file',
  copyCommands: 'Copy as curl or as a CLI command',
  copyAs: ({ name }) => `Copy as ${name}`,
  copied: 'copied',
  previewHeading: 'Preview',
  previewStale: 'The report has changed since this preview.',
  previewTruncated: ({ rows }) => `Showing the first ${rows} rows.`,
  chartLabel: ({ title }) => `Chart: ${title}`,
  saveChart: 'Save chart as PNG',

  tasksLabel: 'Export tasks',
  taskTitle: ({ id, export: name }) => `#${id} ${name}`,
  taskSummary: ({ formatter, createdAt }) => `as ${formatter}, created ${createdAt}`,
  taskFor: ({ owner }) => `for ${owner}`,
  taskRemark: ({ remark }) => remark,
  taskStatus: { queued: 'queued', running: 'running', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled', cancelling: 'cancelling' },
  taskProgressLabel: ({ id }) => `Task ${id} progress`,
  taskAnnouncement: ({ id, status, percent }) => `Task ${id} ${status}, ${percent}`,
  taskRows: ({ processed, total, estimate }) => `${processed} / ${estimate ? '~' : ''}${total} rows`,
  rowsPerSecond: ({ rate }) => `${rate} rows/s`,
  eta: ({ duration }) => `ETA ${duration}`,
  took: ({ duration }) => `took ${duration}`,
  peakMemory: ({ size }) => `peak memory ${size}`,
  attempt: ({ attempt, max }) => `attempt ${attempt} of ${max}`,
  downloadFile: ({ name, size }) => `Download ${name} (${size})`,
  fileExpired: 'The file has expired.',
  cancel: 'Cancel',
  retry: 'Retry',
  deliveriesLabel: 'Deliveries',
  deliveryTarget: ({ kind, target }) => `${kind === 'email' ? 'E-mail' : 'Webhook'} to ${target}`,
  deliveryStatus: { waiting: 'waiting for the file', retrying: 'retrying', sending: 'sending', sent: 'sent', failed: 'failed' },
  deliveryNextTry: ({ at }) => `next try ${at}`,
  noTasks: 'No tasks yet: run one from the export builder.',
  newestTasks: 'Newest',
  olderTasks: 'Older →',
  rerun: 'Re-run',
  fromSavedExport: ({ id }) => `from saved export #${id}`,
  openInBuilder: 'Open in builder',

  savedExportsLabel: 'Saved exports',
  noSavedExports: 'No saved exports yet: save one from the export builder.',
  savedOwner: ({ owner }) => `by ${owner}`,
  savedMine: 'yours',
  runSaved: 'Run',
  duplicate: 'Duplicate',
  delete: 'Delete',
  saveLegend: 'Save this export',
  saveName: 'Name',
  saveDescription: 'Description',
  save: 'Save',
  saveChanges: 'Save changes',
  saveAsNew: 'Save as new',
  saveBusy: 'Saving…',
  shareLegend: 'Share with',
  shareWithScope: ({ scope }) => `Everyone in ${scope}`,
  shareWithRole: ({ role }) => `Everyone with the ${role} role`,
  shareHint: 'They may see, run and copy it, each with their own rights; only you may change it.',
  confirmDelete: 'Really delete?',
  savedAs: ({ name }) => `Saved as “${name}”.`,
  savedConflict:
    'Someone changed this saved export after you opened it, so your changes were not saved. Open it again to see theirs, or save yours as a new one.',

  scheduleButton: 'Schedule',
  scheduleLegend: 'Schedule',
  scheduleNextRun: ({ at }) => `Next run: ${at}`,
  scheduleNoNextRun: 'Not scheduled.',
  scheduleRepeat: 'Repeat',
  scheduleRepeats: { daily: 'Every day', weekly: 'Every week', monthly: 'Every month', cron: 'Cron expression' },
  scheduleWeekday: 'On',
  weekdays: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  scheduleDayOfMonth: 'Day of the month',
  scheduleCron: 'Cron (minute hour day month weekday)',
  scheduleTime: 'At',
  scheduleTimeZone: 'Time zone',
  scheduleRecipients: 'Recipients',
  scheduleRecipientsHint: 'Each gets their own file by e-mail, with their own rights: only the rows they may export.',
  scheduleKeepFiles: 'Files kept per recipient',
  scheduleEnabled: 'Enabled',
  scheduleSave: 'Save schedule',
  scheduleRemove: 'Remove schedule',
  scheduleRunsLabel: 'Last runs',
  scheduleNoRuns: 'No runs yet.',
  scheduleRunStarted: ({ at, recipient, taskId }) => `${at} · ${recipient}: task #${taskId}`,
  scheduleRunSkipped: ({ at, recipient, reason }) => `${at} · ${recipient}: skipped (${reason})`,
  scheduleRunPending: ({ at, recipient }) => `${at} · ${recipient}: starting`,

  historyCreated: 'Created',
  historyDeleted: 'Deleted',
  historyByline: ({ at, actor }) => `${at} · ${actor}`,
  systemActor: 'system',
  noHistory: 'No recorded changes yet.',
  olderHistory: 'Show older changes',
  asOfLabel: 'View as of',
  asOfRevision: 'Revision',
  asOfNothing: 'No history recorded before that time.',

  syncIntro:
    'Offline clients (WatermelonDB, RxDB) pull these mappings from /api/sync. A pull hands out changes up to the watermark: changes committed after a still-running older transaction wait until it ends, so none is missed.',
  watermark: 'Watermark',
  heldBack: 'Held back',
  heldBackValue: ({ changes, count, duration }) => `${changes} ${count === 1 ? 'change' : 'changes'}, ${duration}`,
  mappingColumn: 'Mapping',
  latestVersionColumn: 'Latest version',
  checkpointColumn: 'Checkpoint a first pull would continue from',
  noMappings: 'There is nothing you may sync.',
};

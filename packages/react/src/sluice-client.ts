import type { CurrentUser } from './current-user.ts';
import type {
  DeliveryRequest,
  ExportCheck,
  ExportPreview,
  ExportRequestInput,
  ExportScheduleInput,
  ExportScheduleView,
  ExportTask,
  HistoryAsOf,
  HistoryEntryView,
  OfferedExport,
  Page,
  RecipientUser,
  SavedExport,
  SavedExportInput,
  ScheduleRunView,
  SyncSummary,
} from './server-types.ts';
import { SluiceApiError } from './sluice-api-error.ts';
import { type EventSourceClass, type TaskEventListener, watchTaskEvents } from './task-events.ts';

/** How {@link createSluiceClient} reaches the server. */
export interface SluiceClientOptions {
  /** Where the routes are, e.g. `https://reports.example.com`; default: the page's own origin. */
  baseUrl?: string;
  /** Every call goes through it: add an `Authorization` header, watch for 401. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** For live task progress; default: the global `EventSource`. */
  EventSource?: EventSourceClass;
  /** Send cookies to another origin (fetch `credentials: 'include'`, EventSource `withCredentials`). */
  withCredentials?: boolean;
}

/** Per call: abort it when the screen no longer needs the answer. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** A page position: how many items, after which cursor. */
export interface PageRequest {
  limit?: number;
  after?: string | null;
}

/** A file the server produced, with the name it gave it. */
export interface DownloadedFile {
  name: string;
  blob: Blob;
}

/** The typed client of the sluice routes; see {@link createSluiceClient}. */
export interface SluiceClient {
  readonly baseUrl: string;
  /** The URL of a route path, for links and EventSources. */
  url(path: string): string;
  /** Any JSON route of your app, with the same error handling: non-2xx throws a {@link SluiceApiError}. */
  request<T>(method: string, path: string, body?: unknown, options?: CallOptions): Promise<T>;
  /** `GET /api/me`. */
  me(options?: CallOptions): Promise<CurrentUser>;
  /** `GET /api/exports`: what the user may export, with each element's parameter JSON Schema. */
  exports(options?: CallOptions): Promise<OfferedExport[]>;
  /** `POST /api/exports/check`: validates without running; field problems come as the error's `issues`. */
  checkExport(request: ExportRequestInput, options?: CallOptions): Promise<ExportCheck>;
  /** `POST /api/exports/preview`: at most 1,000 rows as JSON. */
  previewExport(request: ExportRequestInput, options?: CallOptions): Promise<ExportPreview>;
  /** `POST /api/exports/download`: the whole file now. */
  downloadExport(request: ExportRequestInput, options?: CallOptions): Promise<DownloadedFile>;
  /** `GET /api/export-tasks`: the user's tasks, newest first. */
  tasks(page?: PageRequest, options?: CallOptions): Promise<Page<ExportTask>>;
  /** `GET /api/export-tasks/:id`. */
  task(id: number, options?: CallOptions): Promise<ExportTask>;
  /** `POST /api/export-tasks`: queues the request as a background task. */
  createTask(request: ExportRequestInput & { remark?: string | null; deliveries?: DeliveryRequest[] }, options?: CallOptions): Promise<ExportTask>;
  /** `POST /api/export-tasks/:id/cancel`. */
  cancelTask(id: number, options?: CallOptions): Promise<ExportTask>;
  /** `POST /api/export-tasks/:id/retry`. */
  retryTask(id: number, options?: CallOptions): Promise<ExportTask>;
  /** `POST /api/export-tasks/:id/rerun`: a new task of the same request, for me. */
  rerunTask(id: number, options?: CallOptions): Promise<ExportTask>;
  /** `GET /api/saved-exports`: mine and those shared with me, by name. */
  savedExports(options?: CallOptions): Promise<SavedExport[]>;
  /** `GET /api/saved-exports/:id`. */
  savedExport(id: number, options?: CallOptions): Promise<SavedExport>;
  /** `POST /api/saved-exports`. */
  createSavedExport(body: SavedExportInput, options?: CallOptions): Promise<SavedExport>;
  /** `PUT /api/saved-exports/:id`: answers `SAVED_EXPORT_VERSION_CONFLICT` when `expectedVersion` is stale. */
  updateSavedExport(id: number, body: Partial<SavedExportInput> & { expectedVersion: number }, options?: CallOptions): Promise<SavedExport>;
  /** `DELETE /api/saved-exports/:id` (owner only). */
  deleteSavedExport(id: number, options?: CallOptions): Promise<void>;
  /** `POST /api/saved-exports/:id/duplicate`: a copy I own. */
  duplicateSavedExport(id: number, options?: CallOptions): Promise<SavedExport>;
  /** `POST /api/saved-exports/:id/run`: a background task of it, with my own rights. */
  runSavedExport(id: number, options?: CallOptions): Promise<ExportTask>;
  /** `GET /api/saved-exports/:id/schedule` (owner only; `SCHEDULE_NOT_FOUND` when it has none). */
  schedule(id: number, options?: CallOptions): Promise<ExportScheduleView>;
  /** `PUT /api/saved-exports/:id/schedule`: sets or replaces it. */
  setSchedule(id: number, body: ExportScheduleInput, options?: CallOptions): Promise<ExportScheduleView>;
  /** `DELETE /api/saved-exports/:id/schedule`. */
  deleteSchedule(id: number, options?: CallOptions): Promise<void>;
  /** `GET /api/saved-exports/:id/schedule/runs`: newest first. */
  scheduleRuns(id: number, options?: CallOptions): Promise<ScheduleRunView[]>;
  /** `GET /api/users`: who may receive scheduled exports, by name (the reference app's route). */
  users(options?: CallOptions): Promise<RecipientUser[]>;
  /** `GET /api/export-tasks/:id/download`, as a link target (the browser streams the file). */
  taskDownloadUrl(id: number): string;
  /** `GET /api/export-tasks/:id/events` until the task ends; answers a function that stops early. */
  watchTask(id: number, listener: TaskEventListener): () => void;
  /** `GET /api/history/:entity/:id`: newest first. */
  history(entity: string, id: number | string, page?: PageRequest, options?: CallOptions): Promise<Page<HistoryEntryView>>;
  /** `GET /api/history/:entity/:id/as-of`. */
  historyAsOf(entity: string, id: number | string, at: Date, options?: CallOptions): Promise<HistoryAsOf>;
  /** `GET /api/sync/summary`. */
  syncSummary(options?: CallOptions): Promise<SyncSummary>;
}

function query(page: PageRequest = {}): string {
  const parameters = new URLSearchParams();
  if (page.limit !== undefined) parameters.set('limit', String(page.limit));
  if (page.after) parameters.set('after', page.after);
  const text = parameters.toString();
  return text ? `?${text}` : '';
}

/** The file name of a `Content-Disposition` header. */
function fileName(response: Response, fallback: string): string {
  return /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallback;
}

/**
 * A client of the sluice routes as the reference app serves them (`/api/exports`, `/api/export-tasks`,
 * `/api/saved-exports`, `/api/history`, `/api/sync/summary`). Answers are typed from the server packages' schemas; a non-2xx
 * answer throws a {@link SluiceApiError} with the server's code, message and details.
 *
 * @example
 * ```ts
 * const client = createSluiceClient({ baseUrl: 'https://reports.example.com', withCredentials: true });
 * const exports = await client.exports();
 * const task = await client.createTask({ export: 'list_people', formatter: { alias: 'xlsx', params: {} } });
 * const stop = client.watchTask(task.id, { progress: show, end: show });
 * ```
 */
export function createSluiceClient(options: SluiceClientOptions = {}): SluiceClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const send = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const credentials = options.withCredentials ? 'include' : 'same-origin';
  const url = (path: string) => `${baseUrl}${path}`;

  async function call(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
    let response: Response;
    try {
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      response = await send(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, credentials });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw SluiceApiError.network();
    }
    if (!response.ok) throw await SluiceApiError.fromResponse(response);
    return response;
  }
  async function request<T>(method: string, path: string, body?: unknown, callOptions: CallOptions = {}): Promise<T> {
    const response = await call(method, path, body, callOptions.signal);
    return (response.status === 204 ? null : await response.json()) as T;
  }
  const task = (id: number) => `/api/export-tasks/${encodeURIComponent(id)}`;
  const saved = (id: number) => `/api/saved-exports/${encodeURIComponent(id)}`;
  const history = (entity: string, id: number | string) => `/api/history/${encodeURIComponent(entity)}/${encodeURIComponent(id)}`;

  return {
    baseUrl,
    url,
    request,
    me: (o) => request('GET', '/api/me', undefined, o),
    exports: async (o) => (await request<{ exports: OfferedExport[] }>('GET', '/api/exports', undefined, o)).exports,
    checkExport: (body, o) => request('POST', '/api/exports/check', body, o),
    previewExport: (body, o) => request('POST', '/api/exports/preview', body, o),
    downloadExport: async (body, o) => {
      const response = await call('POST', '/api/exports/download', body, o?.signal);
      return { name: fileName(response, `${body.export}.out`), blob: await response.blob() };
    },
    tasks: (page, o) => request('GET', `/api/export-tasks${query(page)}`, undefined, o),
    task: (id, o) => request('GET', task(id), undefined, o),
    createTask: (body, o) => request('POST', '/api/export-tasks', body, o),
    cancelTask: (id, o) => request('POST', `${task(id)}/cancel`, undefined, o),
    retryTask: (id, o) => request('POST', `${task(id)}/retry`, undefined, o),
    rerunTask: (id, o) => request('POST', `${task(id)}/rerun`, undefined, o),
    savedExports: (o) => request('GET', '/api/saved-exports', undefined, o),
    savedExport: (id, o) => request('GET', saved(id), undefined, o),
    createSavedExport: (body, o) => request('POST', '/api/saved-exports', body, o),
    updateSavedExport: (id, body, o) => request('PUT', saved(id), body, o),
    deleteSavedExport: (id, o) => request('DELETE', saved(id), undefined, o),
    duplicateSavedExport: (id, o) => request('POST', `${saved(id)}/duplicate`, undefined, o),
    runSavedExport: (id, o) => request('POST', `${saved(id)}/run`, undefined, o),
    schedule: (id, o) => request('GET', `${saved(id)}/schedule`, undefined, o),
    setSchedule: (id, body, o) => request('PUT', `${saved(id)}/schedule`, body, o),
    deleteSchedule: (id, o) => request('DELETE', `${saved(id)}/schedule`, undefined, o),
    scheduleRuns: (id, o) => request('GET', `${saved(id)}/schedule/runs`, undefined, o),
    users: (o) => request('GET', '/api/users', undefined, o),
    taskDownloadUrl: (id) => url(`${task(id)}/download`),
    watchTask: (id, listener) =>
      watchTaskEvents(options.EventSource ?? globalThis.EventSource, url(`${task(id)}/events`), options.withCredentials ?? false, listener),
    history: (entity, id, page, o) => request('GET', `${history(entity, id)}${query(page)}`, undefined, o),
    historyAsOf: (entity, id, at, o) => request('GET', `${history(entity, id)}/as-of?at=${encodeURIComponent(at.toISOString())}`, undefined, o),
    syncSummary: (o) => request('GET', '/api/sync/summary', undefined, o),
  };
}

import type { ExportTask } from './server-types.ts';

/** What {@link SluiceClient.watchTask} calls as a task's server-sent events arrive. */
export interface TaskEventListener {
  /** The task after each change while it is queued or running. */
  progress(task: ExportTask): void;
  /** The task once it has finished (succeeded, failed or cancelled); nothing follows. */
  end(task: ExportTask): void;
  /** The stream broke or the task became unavailable; nothing follows. */
  error?(): void;
}

/** An `EventSource` class: the browser's, or a polyfill where there is none (Node, React Native). */
export type EventSourceClass = new (url: string, init?: EventSourceInit) => EventSource;

function taskOf(event: Event): ExportTask {
  return JSON.parse(String((event as MessageEvent).data)) as ExportTask;
}

/**
 * Follows `/api/export-tasks/:id/events` until the task ends. The source is closed on `end` and on any
 * error, because an EventSource left open reconnects and would follow the task forever.
 */
export function watchTaskEvents(Source: EventSourceClass, url: string, withCredentials: boolean, listener: TaskEventListener): () => void {
  const source = new Source(url, { withCredentials });
  source.addEventListener('progress', (event) => listener.progress(taskOf(event)));
  source.addEventListener('end', (event) => {
    source.close();
    listener.end(taskOf(event));
  });
  source.addEventListener('error', () => {
    source.close();
    listener.error?.();
  });
  return () => source.close();
}

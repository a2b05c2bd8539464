import { useEffect, useRef, useState } from 'react';
import { api, type Page } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { useApi } from '../components/use-api.ts';
import { formatBytes, formatDuration } from './format.ts';

export interface Task {
  id: number;
  export: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  totalCount: number | null;
  /** The total is the database's estimate (a big list) until the task succeeds. */
  totalIsEstimate: boolean;
  processedCount: number;
  peakMemoryBytes: number | null;
  cancelRequested: boolean;
  attempts: number;
  maxAttempts: number;
  file: { name: string; size: number; rows: number; expired: boolean } | null;
  error: { code: string | null; message: string } | null;
  request: { formatter?: { alias?: string } };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const live = new Set(['queued', 'running']);

/**
 * Follows a task over server-sent events while it is queued or running; the stream is closed on its
 * `end` event (an EventSource left open reconnects and would follow the task forever).
 */
function useLiveTask(initial: Task): { task: Task; rowsPerSecond: number | null } {
  const [task, setTask] = useState(initial);
  const samples = useRef<{ at: number; rows: number }[]>([]);
  useEffect(() => setTask(initial), [initial]);
  useEffect(() => {
    if (!live.has(initial.status)) return;
    const source = new EventSource(`/api/export-tasks/${initial.id}/events`);
    const take = (event: MessageEvent<string>) => {
      const next = JSON.parse(event.data) as Task;
      samples.current = [...samples.current.slice(-9), { at: Date.now(), rows: next.processedCount }];
      setTask(next);
    };
    source.addEventListener('progress', take);
    source.addEventListener('end', (event) => {
      take(event);
      source.close();
    });
    source.addEventListener('error', () => source.close());
    return () => source.close();
  }, [initial]);
  const [first, last] = [samples.current[0], samples.current.at(-1)];
  const rowsPerSecond = first && last && last.at > first.at ? ((last.rows - first.rows) * 1000) / (last.at - first.at) : null;
  return { task, rowsPerSecond };
}

function TaskRow({ initial, onChanged }: { initial: Task; onChanged: () => void }) {
  const { task, rowsPerSecond } = useLiveTask(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const act = async (action: 'cancel' | 'retry') => {
    setBusy(true);
    try {
      await api('POST', `/api/export-tasks/${task.id}/${action}`);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const percent = task.totalCount ? Math.min(100, Math.floor((task.processedCount / task.totalCount) * 100)) : task.status === 'succeeded' ? 100 : 0;
  const remaining = task.totalCount && rowsPerSecond ? Math.max(0, task.totalCount - task.processedCount) / rowsPerSecond : Number.NaN;
  return (
    <li className={`task task-${task.status}`} data-task-id={task.id}>
      <div className="task-head">
        <strong>
          #{task.id} {task.export}
        </strong>{' '}
        <span className="muted small">
          as {task.request.formatter?.alias ?? '?'}, created {new Date(task.createdAt).toLocaleString()}
        </span>
        <span className={`badge ${task.status}`}>{task.cancelRequested && live.has(task.status) ? 'cancelling' : task.status}</span>
      </div>
      <progress max={100} value={percent} aria-label={`Task ${task.id} progress`} />
      <div className="task-facts">
        <span>{percent} %</span>
        <span>
          {task.processedCount.toLocaleString()} / {task.totalIsEstimate ? '~' : ''}
          {task.totalCount?.toLocaleString() ?? '?'} rows
        </span>
        {task.status === 'running' ? (
          <>
            <span>{rowsPerSecond === null ? '– rows/s' : `${Math.round(rowsPerSecond).toLocaleString()} rows/s`}</span>
            <span>ETA {formatDuration(remaining)}</span>
          </>
        ) : null}
        {task.startedAt && task.finishedAt ? <span>took {formatDuration((Date.parse(task.finishedAt) - Date.parse(task.startedAt)) / 1000)}</span> : null}
        <span>peak memory {formatBytes(task.peakMemoryBytes)}</span>
        <span>
          attempt {task.attempts} of {task.maxAttempts}
        </span>
      </div>
      {task.error ? (
        <p className="error">
          {task.error.message} {task.error.code ? <span className="code">({task.error.code})</span> : null}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <div className="actions">
        {task.status === 'succeeded' && task.file && !task.file.expired ? (
          <a className="button" href={`/api/export-tasks/${task.id}/download`} download={task.file.name}>
            Download {task.file.name} ({formatBytes(task.file.size)})
          </a>
        ) : null}
        {task.file?.expired ? <span className="muted">The file has expired.</span> : null}
        {live.has(task.status) && !task.cancelRequested ? (
          <button type="button" disabled={busy} onClick={() => void act('cancel')}>
            Cancel
          </button>
        ) : null}
        {task.status === 'failed' || task.status === 'cancelled' ? (
          <button type="button" disabled={busy} onClick={() => void act('retry')}>
            Retry
          </button>
        ) : null}
      </div>
    </li>
  );
}

/** The user's export tasks, newest first, following the live ones. */
export function TasksPage() {
  const [cursor, setCursor] = useState<string | null>(null);
  const tasks = useApi<Page<Task>>(`/api/export-tasks?limit=20${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
  return (
    <section>
      <h1>Export tasks</h1>
      <ErrorMessage error={tasks.error} />
      <ul className="tasks" aria-busy={tasks.loading}>
        {tasks.data?.items.map((task) => (
          <TaskRow key={task.id} initial={task} onChanged={tasks.reload} />
        ))}
      </ul>
      {tasks.data?.items.length === 0 ? <p className="muted">No tasks yet: run one from the export builder.</p> : null}
      <div className="pager">
        <button type="button" disabled={!cursor} onClick={() => setCursor(null)}>
          Newest
        </button>
        <button type="button" disabled={!tasks.data?.hasNext} onClick={() => setCursor(tasks.data?.nextCursor ?? null)}>
          Older →
        </button>
      </div>
    </section>
  );
}

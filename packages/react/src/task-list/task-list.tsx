import { useState } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { ExportTask } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { useResource } from '../use-resource.ts';
import { TaskItem } from './task-item.tsx';

/** Props of {@link TaskList}. */
export interface TaskListProps {
  /** Tasks per page; default 20. */
  pageSize?: number;
  /** "Open in builder" on each task: e.g. go to the builder with its request. Without it, no such button. */
  onOpenInBuilder?: (task: ExportTask) => void;
}

/**
 * The user's export tasks, newest first. Queued and running ones follow their progress live (rows,
 * rows per second, ETA) until they end; each can be cancelled, retried or downloaded as it allows,
 * re-run (a new task of the same request) or opened in the builder.
 *
 * @example
 * ```tsx
 * <h1>Export tasks</h1>
 * <TaskList pageSize={10} />
 * ```
 */
export function TaskList({ pageSize = 20, onOpenInBuilder }: TaskListProps) {
  const { client, messages } = useSluice();
  const [after, setAfter] = useState<string | null>(null);
  const tasks = useResource(`${pageSize}:${after}`, (signal) => client.tasks({ limit: pageSize, after }, { signal }));
  const page = tasks.data;
  return (
    <div className="sluice-task-list">
      <ErrorNotice error={tasks.error} />
      <ul className="sluice-tasks" aria-label={messages.tasksLabel} aria-busy={tasks.loading}>
        {/* A new version of a task (after cancel or retry) is a new item: its live state starts over. */}
        {page?.items.map((task) => (
          <TaskItem key={`${task.id}:${task.updatedAt}`} initial={task} onChanged={tasks.reload} onOpenInBuilder={onOpenInBuilder} />
        ))}
      </ul>
      {page?.items.length === 0 ? <p className="sluice-muted">{messages.noTasks}</p> : null}
      <div className="sluice-pager">
        <button type="button" className="sluice-button" disabled={!after} onClick={() => setAfter(null)}>
          {messages.newestTasks}
        </button>
        <button type="button" className="sluice-button" disabled={!page?.hasNext} onClick={() => setAfter(page?.nextCursor ?? null)}>
          {messages.olderTasks}
        </button>
      </div>
    </div>
  );
}

import { useState } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { ExportTask, SavedExport } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { useResource } from '../use-resource.ts';
import { ScheduleEditor } from './schedule-editor.tsx';

/** Props of {@link SavedExportList}. */
export interface SavedExportListProps {
  /** "Open in builder": e.g. go to the builder page with this saved export. */
  onOpen(saved: SavedExport): void;
  /** Called once a run is queued, e.g. to show the task list; without it the list says so itself. */
  onTaskQueued?: (task: ExportTask) => void;
}

/**
 * The saved exports the user owns or that are shared with them, by name: run one (a background task,
 * with the user's own rights), open it in the builder, duplicate it, or delete or schedule it (own ones only).
 *
 * @example
 * ```tsx
 * <SavedExportList onOpen={(saved) => navigate(`/exports?saved=${saved.id}`)} onTaskQueued={() => navigate('/tasks')} />
 * ```
 */
export function SavedExportList({ onOpen, onTaskQueued }: SavedExportListProps) {
  const { client, messages } = useSluice();
  const list = useResource('saved-exports', (signal) => client.savedExports({ signal }));
  return (
    <div className="sluice-saved-list">
      <ErrorNotice error={list.error} />
      <ul className="sluice-tasks" aria-label={messages.savedExportsLabel} aria-busy={list.loading}>
        {list.data?.map((saved) => (
          <SavedExportItem key={`${saved.id}:${saved.version}`} saved={saved} onOpen={onOpen} onTaskQueued={onTaskQueued} onChanged={list.reload} />
        ))}
      </ul>
      {list.data?.length === 0 ? <p className="sluice-muted">{messages.noSavedExports}</p> : null}
    </div>
  );
}

interface SavedExportItemProps extends SavedExportListProps {
  saved: SavedExport;
  onChanged(): void;
}

function SavedExportItem({ saved, onOpen, onTaskQueued, onChanged }: SavedExportItemProps) {
  const { client, messages } = useSluice();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [queued, setQueued] = useState<ExportTask | null>(null);
  // Deleting asks once more, in place: a slip of the mouse should not lose a shared export.
  const [confirming, setConfirming] = useState(false);
  const [scheduling, setScheduling] = useState(false);
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const run = async () => {
    const task = await client.runSavedExport(saved.id);
    if (onTaskQueued) onTaskQueued(task);
    else setQueued(task);
  };
  return (
    <li className="sluice-task sluice-saved" data-saved-id={saved.id}>
      <div className="sluice-task-head">
        <span>
          <strong>{saved.name}</strong> <span className="sluice-muted sluice-small">{saved.export}</span>
        </span>
        <span className="sluice-muted sluice-small">{saved.mine ? messages.savedMine : messages.savedOwner({ owner: saved.owner.username })}</span>
      </div>
      {saved.description ? <p className="sluice-saved-description">{saved.description}</p> : null}
      <ErrorNotice error={error} />
      {queued ? (
        <p className="sluice-muted sluice-small" role="status">
          {messages.taskQueued({ id: queued.id })}
        </p>
      ) : null}
      <div className="sluice-actions">
        <button type="button" className="sluice-button sluice-button--primary" disabled={busy} onClick={() => void act(run)}>
          {messages.runSaved}
        </button>
        <button type="button" className="sluice-button" disabled={busy} onClick={() => onOpen(saved)}>
          {messages.openInBuilder}
        </button>
        <button type="button" className="sluice-button" disabled={busy} onClick={() => void act(() => client.duplicateSavedExport(saved.id).then(onChanged))}>
          {messages.duplicate}
        </button>
        {saved.mine ? (
          <button type="button" className="sluice-button" aria-expanded={scheduling} onClick={() => setScheduling(!scheduling)}>
            {messages.scheduleButton}
          </button>
        ) : null}
        {saved.mine ? (
          <button
            type="button"
            className="sluice-button"
            disabled={busy}
            onClick={() => (confirming ? void act(() => client.deleteSavedExport(saved.id).then(onChanged)) : setConfirming(true))}
            onBlur={() => setConfirming(false)}
          >
            {confirming ? messages.confirmDelete : messages.delete}
          </button>
        ) : null}
      </div>
      {saved.mine && scheduling ? <ScheduleEditor savedExportId={saved.id} userId={saved.owner.id} /> : null}
    </li>
  );
}

import { useState } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { ExportTask, TaskDelivery } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { isLive, useLiveTask } from './use-live-task.ts';

/** How far a task is, 0 to 1: a finished task with no count is complete. */
function shareDone(task: ExportTask): number {
  if (task.totalCount) return Math.min(1, task.processedCount / task.totalCount);
  return task.status === 'succeeded' ? 1 : 0;
}

/** One task: what it is, live progress and speed, its error in words, and what can be done with it. */
export function TaskItem({
  initial,
  onChanged,
  onOpenInBuilder,
}: {
  initial: ExportTask;
  onChanged: () => void;
  onOpenInBuilder?: (task: ExportTask) => void;
}) {
  const { messages, format } = useSluice();
  const { task, rowsPerSecond } = useLiveTask(initial);
  const done = shareDone(task);
  const percent = Math.floor(done * 100);
  const status = task.cancelRequested && isLive(task) ? 'cancelling' : task.status;
  return (
    <li className={`sluice-task sluice-task--${task.status}`} data-task-id={task.id}>
      <div className="sluice-task-head">
        <span>
          <strong>{messages.taskTitle({ id: task.id, export: task.title })}</strong>{' '}
          <span className="sluice-muted sluice-small">
            {messages.taskSummary({ formatter: task.formatter, createdAt: format.dateTime(task.createdAt) })},{' '}
            {messages.taskFor({ owner: task.owner.username })}
            {task.savedExportId === null ? null : `, ${messages.fromSavedExport({ id: task.savedExportId })}`}
          </span>
        </span>
        <span className={`sluice-badge sluice-badge--${task.status}`}>{messages.taskStatus[status]}</span>
      </div>
      <TaskWords task={task} />
      <progress className="sluice-progress" max={100} value={percent} aria-label={messages.taskProgressLabel({ id: task.id })} />
      {/* Announced at each tenth and status change: every row count would drown a screen reader. */}
      <span className="sluice-visually-hidden" role="status">
        {messages.taskAnnouncement({ id: task.id, status: messages.taskStatus[status], percent: format.percent(Math.floor(done * 10) / 10) })}
      </span>
      <TaskFacts task={task} done={done} rowsPerSecond={rowsPerSecond} />
      {task.error ? (
        <p className="sluice-error">
          {task.error.message}
          {task.error.code ? <span className="sluice-error-code"> {messages.errorCode({ code: task.error.code })}</span> : null}
        </p>
      ) : null}
      <TaskDeliveries deliveries={task.deliveries} />
      <TaskActions task={task} onChanged={onChanged} onOpenInBuilder={onOpenInBuilder} />
    </li>
  );
}

/** What the task exports, in the server's words (its sentences past the title), and the asker's remark. */
function TaskWords({ task }: { task: ExportTask }) {
  const { messages } = useSluice();
  const sentences = task.description.filter((line, index) => index > 0 || line !== task.title);
  if (sentences.length === 0 && !task.remark) return null;
  return (
    <p className="sluice-task-words sluice-small">
      {sentences.join(' · ')}
      {task.remark ? <q className="sluice-task-remark">{messages.taskRemark({ remark: task.remark })}</q> : null}
    </p>
  );
}

/** A pending delivery whose last attempt failed is retrying; one not tried yet waits for the file. */
function deliveryState(delivery: TaskDelivery): keyof ReturnType<typeof useSluice>['messages']['deliveryStatus'] {
  if (delivery.status === 'pending') return delivery.attempts > 0 ? 'retrying' : 'waiting';
  return delivery.status;
}

/** Each e-mail or webhook of the task: where it goes, where it stands, and why its last attempt failed. */
function TaskDeliveries({ deliveries }: { deliveries: TaskDelivery[] }) {
  const { messages, format } = useSluice();
  if (deliveries.length === 0) return null;
  return (
    <ul className="sluice-deliveries" aria-label={messages.deliveriesLabel}>
      {deliveries.map((delivery, index) => {
        const state = deliveryState(delivery);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a task's deliveries never change order
          <li key={index} className={`sluice-delivery sluice-delivery--${state}`} data-delivery-status={state}>
            <span>{messages.deliveryTarget(delivery)}</span> <span className={`sluice-badge sluice-badge--${state}`}>{messages.deliveryStatus[state]}</span>
            {delivery.lastError && state !== 'sent' ? <span className="sluice-error sluice-small"> {delivery.lastError}</span> : null}
            {state === 'retrying' && delivery.nextAttemptAt ? (
              <span className="sluice-muted sluice-small"> {messages.deliveryNextTry({ at: format.dateTime(delivery.nextAttemptAt) })}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function TaskFacts({ task, done, rowsPerSecond }: { task: ExportTask; done: number; rowsPerSecond: number | null }) {
  const { messages, format } = useSluice();
  const none = messages.missingValue;
  const remaining = task.totalCount && rowsPerSecond ? Math.max(0, task.totalCount - task.processedCount) / rowsPerSecond : null;
  const took = task.startedAt && task.finishedAt ? (Date.parse(task.finishedAt) - Date.parse(task.startedAt)) / 1000 : null;
  const total = task.totalCount === null ? none : format.number(task.totalCount);
  return (
    <div className="sluice-task-facts">
      <span>{format.percent(done)}</span>
      <span>{messages.taskRows({ processed: format.number(task.processedCount), total, estimate: task.totalIsEstimate })}</span>
      {task.status === 'running' ? (
        <>
          <span>{messages.rowsPerSecond({ rate: rowsPerSecond === null ? none : format.number(Math.round(rowsPerSecond)) })}</span>
          <span>{messages.eta({ duration: remaining === null ? none : format.duration(remaining) })}</span>
        </>
      ) : null}
      {took === null ? null : <span>{messages.took({ duration: format.duration(took) })}</span>}
      {/* An operator's figure: the server sends it to admins only. */}
      {task.peakMemoryBytes === null ? null : <span>{messages.peakMemory({ size: format.bytes(task.peakMemoryBytes) })}</span>}
      <span>{messages.attempt({ attempt: task.attempts, max: task.maxAttempts })}</span>
    </div>
  );
}

function TaskActions({ task, onChanged, onOpenInBuilder }: { task: ExportTask; onChanged: () => void; onOpenInBuilder?: (task: ExportTask) => void }) {
  const { client, messages, format } = useSluice();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const act = async (action: (id: number) => Promise<ExportTask>) => {
    setBusy(true);
    setError(null);
    try {
      await action(task.id);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const { file } = task;
  return (
    <>
      <ErrorNotice error={error} />
      <div className="sluice-actions">
        {task.status === 'succeeded' && file && !file.expired ? (
          <a className="sluice-button" href={client.taskDownloadUrl(task.id)} download={file.name}>
            {messages.downloadFile({ name: file.name, size: format.bytes(file.size) })}
          </a>
        ) : null}
        {file?.expired ? <span className="sluice-muted">{messages.fileExpired}</span> : null}
        {isLive(task) && !task.cancelRequested ? (
          <button type="button" className="sluice-button" disabled={busy} onClick={() => void act(client.cancelTask)}>
            {messages.cancel}
          </button>
        ) : null}
        {task.status === 'failed' || task.status === 'cancelled' ? (
          <button type="button" className="sluice-button" disabled={busy} onClick={() => void act(client.retryTask)}>
            {messages.retry}
          </button>
        ) : null}
        <button type="button" className="sluice-button" disabled={busy} onClick={() => void act(client.rerunTask)}>
          {messages.rerun}
        </button>
        {onOpenInBuilder ? (
          <button type="button" className="sluice-button" onClick={() => onOpenInBuilder(task)}>
            {messages.openInBuilder}
          </button>
        ) : null}
      </div>
    </>
  );
}

import { type ReactNode, useState } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { DeliveryRequest, ExportRequestInput, FieldIssue } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { CommandCopy } from './command-copy.tsx';
import type { BuilderActions } from './use-builder-actions.ts';
import type { ExportCheckState } from './use-export-check.ts';

/** Paths the forms show under their fields; any other issue is shown here. */
const formPaths = /^(filters|aggregators|formatter)\b/;

interface BuilderSideProps {
  check: ExportCheckState;
  issues: FieldIssue[];
  actions: BuilderActions;
  /** The last preview of this very request was cut: a task is the safe way, so it comes first. */
  large: boolean;
  request: ExportRequestInput;
  userId: number;
  fileName: string;
  /** Offer "notify me by e-mail" with the task. */
  notify: boolean;
  /** Shown after the actions (the save form). */
  children?: ReactNode;
}

/** The request as a sentence, problems, the actions, and the request as commands. */
export function BuilderSide({ check, issues, actions, large, request, userId, fileName, notify: offerNotify, children }: BuilderSideProps) {
  const { messages } = useSluice();
  const sentence = messages.requestSentence({ parts: check.description, formatter: check.formatter });
  const [notify, setNotify] = useState<NotifyChoice>({ email: false, attach: false });
  return (
    <aside className="sluice-builder-side">
      <p className={check.valid ? 'sluice-sentence' : 'sluice-sentence sluice-sentence--stale'} aria-live="polite" data-testid="sentence">
        {sentence || ' '}
      </p>
      {issues
        .filter((issue) => !formPaths.test(issue.path))
        .map((issue) => (
          <p key={issue.path + issue.message} className="sluice-error" role="alert">
            {messages.fieldIssue(issue)}
          </p>
        ))}
      {check.issues.length > 0 ? <p className="sluice-error sluice-small">{messages.fixMarkedFields}</p> : null}
      <ErrorNotice error={actions.error ?? check.error} />
      <ActionButtons actions={actions} large={large} deliveries={deliveriesOf(notify)} />
      {offerNotify ? <NotifyOptions choice={notify} onChange={setNotify} /> : null}
      {large ? <p className="sluice-muted sluice-small">{messages.largeResultHint}</p> : null}
      {actions.queued ? (
        <p className="sluice-muted sluice-small" role="status">
          {messages.taskQueued({ id: actions.queued.id })}
        </p>
      ) : null}
      {children}
      <CommandCopy request={request} userId={userId} fileName={fileName} />
    </aside>
  );
}

/** What the user asked to be told of a task: an e-mail to themselves, with the file or a link. */
interface NotifyChoice {
  email: boolean;
  attach: boolean;
}

function deliveriesOf(choice: NotifyChoice): DeliveryRequest[] {
  return choice.email ? [{ kind: 'email', attach: choice.attach }] : [];
}

/** How a task run from here is delivered: sent with "Run as a background task". */
function NotifyOptions({ choice, onChange }: { choice: NotifyChoice; onChange(choice: NotifyChoice): void }) {
  const { messages } = useSluice();
  return (
    <div className="sluice-notify">
      <label>
        <input type="checkbox" checked={choice.email} onChange={(event) => onChange({ ...choice, email: event.target.checked })} /> {messages.notifyByEmail}
      </label>
      {choice.email ? (
        <label className="sluice-notify-attach">
          <input type="checkbox" checked={choice.attach} onChange={(event) => onChange({ ...choice, attach: event.target.checked })} /> {messages.attachFile}
        </label>
      ) : null}
    </div>
  );
}

function ActionButtons({ actions, large, deliveries }: { actions: BuilderActions; large: boolean; deliveries: DeliveryRequest[] }) {
  const { messages } = useSluice();
  const { busy } = actions;
  const task = (
    <button
      type="button"
      className={large ? 'sluice-button sluice-button--primary' : 'sluice-button'}
      disabled={busy !== null}
      onClick={() => actions.runAsTask(deliveries)}
    >
      {busy === 'task' ? messages.runAsTaskBusy : messages.runAsTask}
    </button>
  );
  return (
    <div className="sluice-actions">
      {large ? task : null}
      <button type="button" className={large ? 'sluice-button' : 'sluice-button sluice-button--primary'} disabled={busy !== null} onClick={actions.preview}>
        {busy === 'preview' ? messages.previewBusy : messages.preview}
      </button>
      <button
        type="button"
        className="sluice-button"
        disabled={busy !== null || large}
        title={large ? messages.downloadTooLarge : undefined}
        onClick={actions.download}
      >
        {busy === 'download' ? messages.downloadBusy : messages.download}
      </button>
      {large ? null : task}
    </div>
  );
}

import { useMemo, useState } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { ExportScheduleView, RecipientUser, ScheduleRunView } from '../server-types.ts';
import { SluiceApiError } from '../sluice-api-error.ts';
import { useSluice } from '../sluice-provider.tsx';
import { useResource } from '../use-resource.ts';
import { cronOf, formOf, type ScheduleForm, scheduleRepeats } from './schedule-cron.ts';

/** Props of {@link ScheduleEditor}. */
export interface ScheduleEditorProps {
  /** The saved export (the user's own) whose schedule is edited. */
  savedExportId: number;
  /** The user, ticked as a recipient of a new schedule. */
  userId: number;
}

/** `iso` as a day and time in `timeZone`, with the zone's name: the schedule's own clock, whatever the browser's. */
function zonedTime(locale: string, iso: string, timeZone: string): string {
  const text = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
  return `${text} (${timeZone})`;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = () => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);

/**
 * The schedule of a saved export the user owns: daily, weekly or monthly at a time (or a raw cron), in a
 * time zone (the browser's by default), for recipients (each gets their own file, with their own
 * rights, by e-mail), keeping the last N files; shows the next run and the last runs.
 *
 * @example <ScheduleEditor savedExportId={saved.id} userId={me.id} />
 */
export function ScheduleEditor({ savedExportId, userId }: ScheduleEditorProps) {
  const { client } = useSluice();
  const current = useResource(`schedule:${savedExportId}`, (signal) =>
    client.schedule(savedExportId, { signal }).catch((error: unknown) => {
      if (error instanceof SluiceApiError && error.code === 'SCHEDULE_NOT_FOUND') return null;
      throw error;
    }),
  );
  const users = useResource('users', (signal) => client.users({ signal }));
  if (current.loading && current.data === undefined) return <p className="sluice-muted">…</p>;
  return (
    <div className="sluice-schedule">
      <ErrorNotice error={current.error ?? users.error} />
      {current.data !== undefined ? (
        <ScheduleFields
          key={current.data?.updatedAt ?? 'new'}
          savedExportId={savedExportId}
          schedule={current.data}
          users={users.data ?? []}
          userId={userId}
          onSaved={current.reload}
        />
      ) : null}
      {current.data ? <ScheduleRuns savedExportId={savedExportId} schedule={current.data} users={users.data ?? []} /> : null}
    </div>
  );
}

interface ScheduleFieldsProps extends ScheduleEditorProps {
  schedule: ExportScheduleView | null;
  users: RecipientUser[];
  onSaved(): void;
}

function ScheduleFields({ savedExportId, schedule, users, userId, onSaved }: ScheduleFieldsProps) {
  const { client, messages, locale } = useSluice();
  const [form, setForm] = useState<ScheduleForm>(() => formOf(schedule?.cron ?? '0 7 * * 1'));
  const [timeZone, setTimeZone] = useState(schedule?.timeZone ?? browserZone());
  const [recipients, setRecipients] = useState<number[]>(schedule?.recipients ?? [userId]);
  const [keepFiles, setKeepFiles] = useState(schedule?.keepFiles ?? 5);
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const zoneChoices = useMemo(() => [...new Set([timeZone, ...zones()])].sort(), [timeZone]);
  const change = (fields: Partial<ScheduleForm>) => setForm((previous) => ({ ...previous, ...fields }));
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const save = () => client.setSchedule(savedExportId, { cron: cronOf(form), timeZone, recipients, keepFiles, enabled });
  return (
    <form
      className="sluice-fieldset sluice-schedule-form"
      aria-label={messages.scheduleLegend}
      onSubmit={(event) => {
        event.preventDefault();
        void act(save);
      }}
    >
      <strong>{messages.scheduleLegend}</strong>
      <p className="sluice-muted sluice-small" role="status">
        {schedule?.nextRunAt ? messages.scheduleNextRun({ at: zonedTime(locale, schedule.nextRunAt, schedule.timeZone) }) : messages.scheduleNoNextRun}
      </p>
      <div className="sluice-schedule-row">
        <label className="sluice-field">
          {messages.scheduleRepeat}
          <select className="sluice-select" value={form.repeat} onChange={(event) => change({ repeat: event.target.value as ScheduleForm['repeat'] })}>
            {scheduleRepeats.map((repeat) => (
              <option key={repeat} value={repeat}>
                {messages.scheduleRepeats[repeat]}
              </option>
            ))}
          </select>
        </label>
        {form.repeat === 'weekly' ? (
          <label className="sluice-field">
            {messages.scheduleWeekday}
            <select className="sluice-select" value={form.weekday} onChange={(event) => change({ weekday: Number(event.target.value) })}>
              {messages.weekdays.map((day, index) => (
                <option key={day} value={index}>
                  {day}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {form.repeat === 'monthly' ? (
          <label className="sluice-field">
            {messages.scheduleDayOfMonth}
            <input
              className="sluice-input"
              type="number"
              min={1}
              max={31}
              value={form.dayOfMonth}
              onChange={(event) => change({ dayOfMonth: Number(event.target.value) })}
            />
          </label>
        ) : null}
        {form.repeat === 'cron' ? (
          <label className="sluice-field">
            {messages.scheduleCron}
            <input className="sluice-input" value={form.cron} maxLength={100} required onChange={(event) => change({ cron: event.target.value })} />
          </label>
        ) : (
          <label className="sluice-field">
            {messages.scheduleTime}
            <input className="sluice-input" type="time" value={form.time} required onChange={(event) => change({ time: event.target.value })} />
          </label>
        )}
        <label className="sluice-field">
          {messages.scheduleTimeZone}
          <select className="sluice-select" value={timeZone} onChange={(event) => setTimeZone(event.target.value)}>
            {zoneChoices.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="sluice-share">
        <legend className="sluice-share-legend">{messages.scheduleRecipients}</legend>
        {users.map((user) => (
          <label key={user.id} className="sluice-element-label">
            <input
              type="checkbox"
              checked={recipients.includes(user.id)}
              onChange={(event) => setRecipients(event.target.checked ? [...recipients, user.id] : recipients.filter((id) => id !== user.id))}
            />
            {user.username}
          </label>
        ))}
        <p className="sluice-muted sluice-small">{messages.scheduleRecipientsHint}</p>
      </fieldset>
      <div className="sluice-schedule-row">
        <label className="sluice-field">
          {messages.scheduleKeepFiles}
          <input className="sluice-input" type="number" min={1} max={100} value={keepFiles} onChange={(event) => setKeepFiles(Number(event.target.value))} />
        </label>
        <label className="sluice-element-label">
          <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
          {messages.scheduleEnabled}
        </label>
      </div>
      <ErrorNotice error={error} />
      <div className="sluice-actions">
        <button type="submit" className="sluice-button sluice-button--primary" disabled={busy || recipients.length === 0}>
          {messages.scheduleSave}
        </button>
        {schedule ? (
          <button type="button" className="sluice-button" disabled={busy} onClick={() => void act(() => client.deleteSchedule(savedExportId))}>
            {messages.scheduleRemove}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function ScheduleRuns({ savedExportId, schedule, users }: { savedExportId: number; schedule: ExportScheduleView; users: RecipientUser[] }) {
  const { client, messages, locale } = useSluice();
  const runs = useResource(`schedule-runs:${savedExportId}:${schedule.lastRunAt}`, (signal) => client.scheduleRuns(savedExportId, { signal }));
  const name = (id: number) => users.find((user) => user.id === id)?.username ?? `#${id}`;
  const line = (run: ScheduleRunView) => {
    const values = { at: zonedTime(locale, run.dueAt, schedule.timeZone), recipient: name(run.recipientId) };
    if (run.status === 'started') return messages.scheduleRunStarted({ ...values, taskId: run.taskId ?? 0 });
    if (run.status === 'skipped') return messages.scheduleRunSkipped({ ...values, reason: run.reason?.message ?? '' });
    return messages.scheduleRunPending(values);
  };
  return (
    <div className="sluice-schedule-runs">
      <strong>{messages.scheduleRunsLabel}</strong>
      <ErrorNotice error={runs.error} />
      {runs.data?.length === 0 ? <p className="sluice-muted sluice-small">{messages.scheduleNoRuns}</p> : null}
      <ul>
        {runs.data?.slice(0, 10).map((run) => (
          <li key={run.id} className="sluice-small">
            {line(run)}
          </li>
        ))}
      </ul>
    </div>
  );
}

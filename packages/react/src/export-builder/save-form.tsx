import { useState } from 'react';
import type { CurrentUser } from '../current-user.ts';
import { ErrorNotice } from '../error-notice.tsx';
import type { ExportRequestInput, SavedExport } from '../server-types.ts';
import { SluiceApiError } from '../sluice-api-error.ts';
import { useSluice } from '../sluice-provider.tsx';

interface SaveFormProps {
  request: ExportRequestInput;
  /** The saved export the builder was opened from (or last saved to), if any. */
  saved: SavedExport | null;
  onSaved(saved: SavedExport): void;
  /** Whom the user may share with: their scopes, and their roles where known. */
  user: Pick<CurrentUser, 'scopes'> & Partial<Pick<CurrentUser, 'roles'>>;
}

/**
 * Saves the current request under a name: a new saved export, or (opened from one of mine) its changes,
 * guarded by the version it was read at; "Save as new" keeps the original. A lost race is said in words.
 */
export function SaveForm({ request, saved, onSaved, user }: SaveFormProps) {
  const { client, messages } = useSluice();
  const [name, setName] = useState(saved?.name ?? '');
  const [description, setDescription] = useState(saved?.description ?? '');
  const [sharedScopes, setSharedScopes] = useState<string[]>(saved?.mine ? saved.sharedScopes : []);
  const [sharedRoles, setSharedRoles] = useState<string[]>(saved?.mine ? saved.sharedRoles : []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const fields = { name, description: description.trim() ? description : null, request, sharedScopes, sharedRoles };
  const save = async (asNew: boolean) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result =
        saved?.mine && !asNew
          ? await client.updateSavedExport(saved.id, { ...fields, expectedVersion: saved.version })
          : await client.createSavedExport(fields);
      setDone(result.name);
      onSaved(result);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const conflict = error instanceof SluiceApiError && error.code === 'SAVED_EXPORT_VERSION_CONFLICT';
  return (
    <form
      className="sluice-fieldset sluice-save-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save(false);
      }}
    >
      <strong>{messages.saveLegend}</strong>
      <label className="sluice-field">
        {messages.saveName}
        <input className="sluice-input sluice-block-input" value={name} required maxLength={200} onChange={(event) => setName(event.target.value)} />
      </label>
      <label className="sluice-field">
        {messages.saveDescription}
        <textarea
          className="sluice-input sluice-block-input"
          value={description}
          maxLength={2000}
          rows={2}
          onChange={(event) => setDescription(event.target.value)}
        />
      </label>
      <ShareChoice
        scopes={user.scopes.map((scope) => ({ value: String(scope.id), label: messages.shareWithScope({ scope: scope.name }) }))}
        roles={(user.roles ?? []).map((role) => ({ value: role, label: messages.shareWithRole({ role }) }))}
        sharedScopes={sharedScopes}
        sharedRoles={sharedRoles}
        onScopes={setSharedScopes}
        onRoles={setSharedRoles}
      />
      {conflict ? (
        <p className="sluice-error" role="alert">
          {messages.savedConflict}
        </p>
      ) : (
        <ErrorNotice error={error} />
      )}
      <div className="sluice-actions">
        <button type="submit" className="sluice-button" disabled={busy || !name.trim()}>
          {busy ? messages.saveBusy : saved?.mine ? messages.saveChanges : messages.save}
        </button>
        {saved ? (
          <button type="button" className="sluice-button" disabled={busy || !name.trim()} onClick={() => void save(true)}>
            {messages.saveAsNew}
          </button>
        ) : null}
      </div>
      {done ? (
        <p className="sluice-muted sluice-small" role="status">
          {messages.savedAs({ name: done })}
        </p>
      ) : null}
    </form>
  );
}

interface Choice {
  value: string;
  label: string;
}

/** Ticks for the scopes and roles to share with; nothing ticked keeps it to its owner. */
function ShareChoice(props: {
  scopes: Choice[];
  roles: Choice[];
  sharedScopes: string[];
  sharedRoles: string[];
  onScopes(values: string[]): void;
  onRoles(values: string[]): void;
}) {
  const { messages } = useSluice();
  const ticks = (choices: Choice[], chosen: string[], onChange: (values: string[]) => void) =>
    choices.map((choice) => (
      <label key={choice.value} className="sluice-inline">
        <input
          type="checkbox"
          checked={chosen.includes(choice.value)}
          onChange={(event) => onChange(event.target.checked ? [...chosen, choice.value] : chosen.filter((value) => value !== choice.value))}
        />
        {choice.label}
      </label>
    ));
  if (props.scopes.length + props.roles.length === 0) return null;
  return (
    <fieldset className="sluice-share">
      <legend className="sluice-share-legend">{messages.shareLegend}</legend>
      {ticks(props.scopes, props.sharedScopes, props.onScopes)}
      {ticks(props.roles, props.sharedRoles, props.onRoles)}
      <p className="sluice-muted sluice-small">{messages.shareHint}</p>
    </fieldset>
  );
}

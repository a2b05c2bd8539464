import { useState } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { ExportRequestInput, SavedExport } from '../server-types.ts';
import { SluiceApiError } from '../sluice-api-error.ts';
import { useSluice } from '../sluice-provider.tsx';

interface SaveFormProps {
  request: ExportRequestInput;
  /** The saved export the builder was opened from (or last saved to), if any. */
  saved: SavedExport | null;
  onSaved(saved: SavedExport): void;
}

/**
 * Saves the current request under a name: a new saved export, or (opened from one of mine) its changes,
 * guarded by the version it was read at; "Save as new" keeps the original. A lost race is said in words.
 */
export function SaveForm({ request, saved, onSaved }: SaveFormProps) {
  const { client, messages } = useSluice();
  const [name, setName] = useState(saved?.name ?? '');
  const [description, setDescription] = useState(saved?.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const fields = { name, description: description.trim() ? description : null, request };
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

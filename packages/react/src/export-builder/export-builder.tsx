import { useState } from 'react';
import type { CurrentUser } from '../current-user.ts';
import { ErrorNotice } from '../error-notice.tsx';
import type { ExportRequestInput, ExportTask, OfferedExport, SavedExport } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { useResource } from '../use-resource.ts';
import { BuilderForm } from './builder-form.tsx';
import { BuilderSide } from './builder-side.tsx';
import { type Draft, draftFor, draftOf, toRequest } from './export-draft.ts';
import { PreviewPanel } from './preview-panel.tsx';
import { SaveForm } from './save-form.tsx';
import { useBuilderActions } from './use-builder-actions.ts';
import { useExportCheck } from './use-export-check.ts';

/** Props of {@link ExportBuilder}. */
export interface ExportBuilderProps {
  /** Whose request it is: their scopes to choose from (none ticked means all), their id in the CLI command, their roles to share with. */
  user: Pick<CurrentUser, 'id' | 'scopes'> & Partial<Pick<CurrentUser, 'roles'>>;
  /** Called once a task is queued, e.g. to show the task list; without it the builder says so itself. */
  onTaskQueued?: (task: ExportTask) => void;
  /** What to start from: a saved export (then saving updates it, or saves it as new), or a task's request. */
  start?: ExportBuilderStart;
  /** Called once the request is saved (created or updated). */
  onSaved?: (saved: SavedExport) => void;
  /** Offer saving the request (the app mounts `savedExportRoutes`). */
  save?: boolean;
  /** Offer "notify me by e-mail" on tasks (the server delivers e-mail to this user: `may.notify`). */
  notify?: boolean;
}

/** A request the builder starts from, and the saved export it is, if any. */
export interface ExportBuilderStart {
  request: ExportRequestInput;
  saved?: SavedExport | null;
}

/**
 * Compose a report as a sentence: one export, any filters and aggregators (each with a form generated
 * from its JSON Schema), scopes, one format. The server checks the request as it is edited and answers
 * it in words; then preview it (table and chart), download it now, run it as a background task, save
 * it under a name (or save changes to the saved export it was opened from), or copy it as a curl or CLI
 * command.
 *
 * @example
 * ```tsx
 * <ExportBuilder user={{ id: me.id, scopes: me.scopes }} save notify={me.may.notify} onTaskQueued={() => navigate('/tasks')} />
 * ```
 */
export function ExportBuilder(props: ExportBuilderProps) {
  const { start } = props;
  const { client, messages } = useSluice();
  const catalog = useResource('exports', (signal) => client.exports({ signal }));
  const [chosen, setChosen] = useState<Draft | null>(null);
  const exports = catalog.data ?? [];
  // A start whose export is no longer offered to this user begins like a new draft.
  const started = exports.find((candidate) => candidate.alias === start?.request.export);
  const draft = chosen ?? (start && started ? draftOf(start.request, started) : exports[0] ? draftFor(exports[0]) : null);
  const offered = exports.find((candidate) => candidate.alias === draft?.export);
  if (catalog.error) return <ErrorNotice error={catalog.error} />;
  if (catalog.data?.length === 0) return <p className="sluice-muted">{messages.noExports}</p>;
  if (!draft || !offered) return <section className="sluice-builder" aria-busy="true" />;
  return <Builder {...props} exports={exports} offered={offered} draft={draft} onDraft={setChosen} />;
}

interface BuilderProps extends ExportBuilderProps {
  exports: OfferedExport[];
  offered: OfferedExport;
  draft: Draft;
  onDraft(draft: Draft): void;
}

function Builder({ exports, offered, draft, onDraft, user, onTaskQueued, start, onSaved, save, notify }: BuilderProps) {
  const request = toRequest(draft);
  const [saved, setSaved] = useState<SavedExport | null>(start?.saved ?? null);
  const check = useExportCheck(request);
  const actions = useBuilderActions(request, onTaskQueued);
  const issues = check.issues.length > 0 ? check.issues : actions.issues;
  const current = actions.shown?.request === JSON.stringify(request);
  const extension = offered.formatters.find((formatter) => formatter.alias === draft.formatter.alias)?.extension ?? 'out';
  const change = (next: Draft) => {
    onDraft(next);
    actions.clearIssues();
  };
  return (
    <section className="sluice-builder">
      <div className="sluice-builder-grid">
        <BuilderForm exports={exports} offered={offered} draft={draft} issues={issues} scopes={user.scopes} onChange={change} />
        <BuilderSide
          check={check}
          issues={issues}
          actions={actions}
          large={current && (actions.shown?.preview.truncated ?? false)}
          request={request}
          userId={user.id}
          fileName={`${draft.export}.${extension}`}
          notify={notify ?? false}
        >
          {save ? (
            <SaveForm
              request={request}
              saved={saved}
              user={user}
              onSaved={(result) => {
                setSaved(result);
                onSaved?.(result);
              }}
            />
          ) : null}
        </BuilderSide>
      </div>
      {actions.shown ? <PreviewPanel shown={actions.shown} current={current} title={offered.title} /> : null}
    </section>
  );
}

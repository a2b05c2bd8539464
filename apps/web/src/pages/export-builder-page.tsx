import { lazy, Suspense, useEffect, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { useApi } from '../components/use-api.ts';
import { type Draft, draftFor, formatterSchema, type OfferedExport, toRequest } from '../export-builder/catalog.ts';
import { cliCommand, curlCommand } from '../export-builder/commands.ts';
import { ElementList } from '../export-builder/element-list.tsx';
import { errorSchemaFor, ParameterForm } from '../export-builder/parameter-form.tsx';
import { chartShape, type Preview } from '../export-builder/preview.ts';
import { PreviewTable } from '../export-builder/preview-table.tsx';
import { useCheck } from '../export-builder/use-check.ts';
import { navigate } from '../router.tsx';
import { useMe } from '../session.tsx';

// The chart library is the heaviest part of the UI and only needed once a preview exists.
const PreviewChart = lazy(() => import('../export-builder/preview-chart.tsx'));

type Busy = null | 'preview' | 'download' | 'task';

/** Saves a fetched file under the name the server gave it. */
async function saveResponse(response: Response, fallbackName: string): Promise<void> {
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Compose a report as a sentence: one export, any filters and aggregators, one formatter. */
export function ExportBuilderPage() {
  const me = useMe();
  const catalog = useApi<{ exports: OfferedExport[] }>('/api/exports');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionIssues, setActionIssues] = useState<{ path: string; message: string }[]>([]);
  const [preview, setPreview] = useState<{ preview: Preview; request: string } | null>(null);
  const exports = catalog.data?.exports ?? [];
  useEffect(() => {
    if (!draft && exports[0]) setDraft(draftFor(exports[0]));
  }, [draft, exports]);
  const offered = exports.find((candidate) => candidate.alias === draft?.export);
  const request = draft ? toRequest(draft) : null;
  const check = useCheck(request);
  const issues = check.issues.length > 0 ? check.issues : actionIssues;

  if (catalog.error) return <ErrorMessage error={catalog.error} />;
  if (!draft || !offered) return <section className="builder" aria-busy="true" />;

  const update = (changes: Partial<Draft>) => {
    setDraft({ ...draft, ...changes });
    setActionIssues([]);
  };
  const formatter = offered.formatters.find((candidate) => candidate.alias === draft.formatter.alias) ?? offered.formatters[0];
  const tickedAggregators = offered.aggregators.filter((aggregator) => aggregator.alias in draft.aggregators);
  const requestText = JSON.stringify(request);
  const large = preview?.request === requestText && preview.preview.truncated;
  const elsewhere = issues.filter((issue) => !/^(filters|aggregators|formatter)\b/.test(issue.path));

  const run = async (kind: Exclude<Busy, null>, action: () => Promise<void>) => {
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (failure) {
      if (failure instanceof ApiError && failure.issues.length > 0) setActionIssues(failure.issues);
      else setError(failure);
    } finally {
      setBusy(null);
    }
  };
  const doPreview = () =>
    run('preview', async () => setPreview({ preview: await api<Preview>('POST', '/api/exports/preview', request), request: requestText }));
  const doDownload = () =>
    run('download', async () =>
      saveResponse(await api<Response>('POST', '/api/exports/download', request, { raw: true }), `${draft.export}.${formatter?.extension ?? 'out'}`),
    );
  const doTask = () =>
    run('task', async () => {
      await api('POST', '/api/export-tasks', request);
      navigate('/tasks');
    });

  const sentence = asSentence(check.description, check.formatter);
  return (
    <section className="builder">
      <h1>Export builder</h1>
      <div className="builder-grid">
        <div className="builder-form">
          <label className="field">
            Export
            <select value={draft.export} onChange={(event) => setDraft(draftFor(exports.find((e) => e.alias === event.target.value) ?? offered, draft))}>
              {exports.map((candidate) => (
                <option key={candidate.alias} value={candidate.alias}>
                  {candidate.title}
                </option>
              ))}
            </select>
            <span className="muted small">{offered.description}</span>
          </label>
          <ElementList
            kind="filters"
            legend="Filters"
            offered={offered.filters}
            chosen={draft.filters}
            issues={issues}
            onChange={(filters) => update({ filters })}
          />
          {offered.kind === 'tabular' ? (
            <ElementList
              kind="aggregators"
              legend="Group by"
              offered={offered.aggregators}
              chosen={draft.aggregators}
              issues={issues}
              onChange={(aggregators) => update({ aggregators })}
            />
          ) : null}
          <fieldset className="elements">
            <legend>Centers</legend>
            {me.centers.map((center) => (
              <label key={center.id} className="inline">
                <input
                  type="checkbox"
                  checked={draft.centers.includes(center.id)}
                  onChange={(event) =>
                    update({ centers: event.target.checked ? [...draft.centers, center.id] : draft.centers.filter((id) => id !== center.id) })
                  }
                />
                {center.name}
              </label>
            ))}
            <span className="muted small">{draft.centers.length === 0 ? 'None ticked: all your centers.' : ''}</span>
          </fieldset>
          <fieldset className="elements">
            <legend>Format</legend>
            <select aria-label="Format" value={draft.formatter.alias} onChange={(event) => update({ formatter: { alias: event.target.value, params: {} } })}>
              {offered.formatters.map((candidate) => (
                <option key={candidate.alias} value={candidate.alias}>
                  {candidate.title}
                </option>
              ))}
            </select>
            {formatter ? (
              <div className="element-form" data-element="formatter">
                <ParameterForm
                  id="formatter"
                  schema={formatterSchema(formatter, tickedAggregators)}
                  value={draft.formatter.params}
                  errors={errorSchemaFor(issues, 'formatter')}
                  onChange={(params) => update({ formatter: { alias: draft.formatter.alias, params } })}
                />
              </div>
            ) : null}
          </fieldset>
        </div>
        <aside className="builder-side">
          <p className={check.valid ? 'sentence' : 'sentence stale'} aria-live="polite" data-testid="sentence">
            {sentence || ' '}
          </p>
          {elsewhere.map((issue) => (
            <p key={issue.path + issue.message} className="error" role="alert">
              {issue.path}: {issue.message}
            </p>
          ))}
          {check.issues.length > 0 ? <p className="error small">Fix the marked fields first.</p> : null}
          <ErrorMessage error={error ?? check.error} />
          <div className="actions">
            {large ? (
              <button type="button" className="primary" disabled={busy !== null} onClick={doTask}>
                {busy === 'task' ? 'Queuing…' : 'Run as a background task'}
              </button>
            ) : null}
            <button type="button" className={large ? undefined : 'primary'} disabled={busy !== null} onClick={doPreview}>
              {busy === 'preview' ? 'Loading preview…' : 'Preview'}
            </button>
            <button
              type="button"
              disabled={busy !== null || large}
              title={large ? 'More rows than a preview holds: run it as a task, so the download cannot time out' : undefined}
              onClick={doDownload}
            >
              {busy === 'download' ? 'Downloading…' : 'Download now'}
            </button>
            {large ? null : (
              <button type="button" disabled={busy !== null} onClick={doTask}>
                {busy === 'task' ? 'Queuing…' : 'Run as a background task'}
              </button>
            )}
          </div>
          {large ? <p className="muted small">This result has more rows than a preview holds: a background task is the safe way to get it.</p> : null}
          <Commands request={request} userId={me.id} fileName={`${draft.export}.${formatter?.extension ?? 'out'}`} />
        </aside>
      </div>
      {preview ? (
        <div className={preview.request === requestText ? 'preview' : 'preview stale'}>
          <h2>Preview</h2>
          {preview.request === requestText ? null : <p className="muted small">The report has changed since this preview.</p>}
          {chartShape(preview.preview) ? (
            <Suspense fallback={<div className="chart-box" aria-busy="true" />}>
              <PreviewChart preview={preview.preview} title={offered.title} />
            </Suspense>
          ) : null}
          <PreviewTable preview={preview.preview} />
        </div>
      ) : null}
    </section>
  );
}

/** ["Count people", "Grouped by gender"] + "CSV" -> "Count people, grouped by gender, as CSV". */
function asSentence(parts: string[], formatter: string): string {
  const [first, ...rest] = parts;
  if (!first) return '';
  const lowered = rest.map((part) => part.charAt(0).toLowerCase() + part.slice(1));
  return [first, ...lowered, ...(formatter ? [`as ${formatter}`] : [])].join(', ');
}

function Commands({ request, userId, fileName }: { request: unknown; userId: number; fileName: string }) {
  const [copied, setCopied] = useState('');
  const commands = { curl: curlCommand(request, window.location.origin), 'sluice export:run': cliCommand(request, userId, fileName) };
  const copy = (name: string, text: string) =>
    void navigator.clipboard?.writeText(text).then(
      () => setCopied(name),
      () => setCopied(''),
    );
  return (
    <details className="commands">
      <summary>Copy as curl or as a CLI command</summary>
      {Object.entries(commands).map(([name, text]) => (
        <div key={name}>
          <button type="button" onClick={() => copy(name, text)}>
            Copy as {name}
          </button>
          {copied === name ? <span className="muted small"> copied</span> : null}
          <pre>{text}</pre>
        </div>
      ))}
    </details>
  );
}

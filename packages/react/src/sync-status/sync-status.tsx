import { useEffect } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { SyncSummary } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { useResource } from '../use-resource.ts';

/** Props of {@link SyncStatus}. */
export interface SyncStatusProps {
  /** How often to read the summary again, in milliseconds; default 5,000 (0: never). */
  refreshMs?: number;
}

/**
 * What an offline client of this user would sync: the mappings they may sync, the checkpoint a first
 * pull would continue from, the watermark and how much it holds back.
 *
 * @example
 * ```tsx
 * <h1>Sync</h1>
 * <SyncStatus refreshMs={10_000} />
 * ```
 */
export function SyncStatus({ refreshMs = 5_000 }: SyncStatusProps) {
  const { client, messages } = useSluice();
  const summary = useResource('sync-summary', (signal) => client.syncSummary({ signal }));
  const { reload } = summary;
  useEffect(() => {
    if (refreshMs <= 0) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [reload, refreshMs]);
  return (
    <div className="sluice-sync" aria-busy={summary.loading && !summary.data}>
      <p className="sluice-muted">{messages.syncIntro}</p>
      <ErrorNotice error={summary.error} />
      <Watermark watermark={summary.data?.watermark} />
      <Mappings mappings={summary.data?.mappings} />
    </div>
  );
}

function Watermark({ watermark }: { watermark: SyncSummary['watermark'] | undefined }) {
  const { messages, format } = useSluice();
  const none = messages.missingValue;
  const heldBack = watermark
    ? messages.heldBackValue({
        changes: format.number(watermark.heldBackChanges),
        count: watermark.heldBackChanges,
        duration: format.duration(watermark.heldBackSeconds),
      })
    : none;
  return (
    <dl className="sluice-facts">
      <dt>{messages.watermark}</dt>
      {/* Versions are positions in the change log, named like ids: no digit grouping. */}
      <dd>{watermark ? watermark.version : none}</dd>
      <dt>{messages.heldBack}</dt>
      <dd>{heldBack}</dd>
    </dl>
  );
}

function Mappings({ mappings }: { mappings: SyncSummary['mappings'] | undefined }) {
  const { messages } = useSluice();
  return (
    <div className="sluice-table-wrap">
      <table className="sluice-table">
        <thead>
          <tr>
            <th scope="col">{messages.mappingColumn}</th>
            <th scope="col" className="sluice-number">
              {messages.latestVersionColumn}
            </th>
            <th scope="col">{messages.checkpointColumn}</th>
          </tr>
        </thead>
        <tbody>
          {mappings?.map((mapping) => (
            <tr key={mapping.name}>
              <td>{mapping.name}</td>
              <td className="sluice-number">{mapping.latestVersion ?? messages.missingValue}</td>
              <td>
                <code className="sluice-ellipsis" title={mapping.checkpoint}>
                  {mapping.checkpoint}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {mappings?.length === 0 ? <p className="sluice-muted">{messages.noMappings}</p> : null}
    </div>
  );
}

import { useEffect } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';
import { useApi } from '../components/use-api.ts';

interface SyncSummary {
  mappings: { name: string; checkpoint: string; latestVersion: number | null }[];
  watermark: { version: number; heldBackChanges: number; heldBackSeconds: number };
}

/** What an offline client of this user would sync: mappings, current checkpoints, watermark lag. */
export function SyncPage() {
  const summary = useApi<SyncSummary>('/api/sync/summary');
  const { reload } = summary;
  useEffect(() => {
    const timer = setInterval(reload, 5_000);
    return () => clearInterval(timer);
  }, [reload]);
  const watermark = summary.data?.watermark;
  return (
    <section>
      <h1>Sync</h1>
      <p className="muted">
        Offline clients (WatermelonDB, RxDB) pull these mappings from <code>/api/sync</code>. A pull hands out changes up to the watermark: changes committed
        after a still-running older transaction wait until it ends, so none is missed.
      </p>
      <ErrorMessage error={summary.error} />
      <dl className="stats">
        <dt>Watermark</dt>
        <dd>{watermark?.version ?? '–'}</dd>
        <dt>Held back</dt>
        <dd>{watermark ? `${watermark.heldBackChanges} changes, ${watermark.heldBackSeconds} s` : '–'}</dd>
      </dl>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Mapping</th>
              <th className="num">Latest version</th>
              <th>Checkpoint a first pull would continue from</th>
            </tr>
          </thead>
          <tbody>
            {summary.data?.mappings.map((mapping) => (
              <tr key={mapping.name}>
                <td>{mapping.name}</td>
                <td className="num">{mapping.latestVersion ?? '–'}</td>
                <td>
                  <code className="ellipsis" title={mapping.checkpoint}>
                    {mapping.checkpoint}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

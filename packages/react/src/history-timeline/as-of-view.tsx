import { useId, useState } from 'react';
import { ErrorNotice } from '../error-notice.tsx';
import type { HistoryAsOf } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { useResource } from '../use-resource.ts';

/** The entity's tracked fields as they were at a time the user picks. */
export function AsOfView({ entity, id }: { entity: string; id: number | string }) {
  const { client, messages } = useSluice();
  const inputId = useId();
  const [at, setAt] = useState('');
  // datetime-local is the user's wall-clock time; Date reads it so, and the server gets the instant.
  const instant = at ? new Date(at) : null;
  const key = instant && !Number.isNaN(instant.getTime()) ? JSON.stringify([entity, id, instant.toISOString()]) : null;
  const asOf = useResource(key, (signal) => client.historyAsOf(entity, id, instant ?? new Date(), { signal }));
  return (
    <div className="sluice-as-of">
      <label htmlFor={inputId}>{messages.asOfLabel}</label>{' '}
      <input id={inputId} className="sluice-input" type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} />
      <ErrorNotice error={asOf.error} />
      {key && asOf.data ? <AsOfState asOf={asOf.data} /> : null}
    </div>
  );
}

function AsOfState({ asOf }: { asOf: HistoryAsOf }) {
  const { messages, format } = useSluice();
  if (!asOf.state) return <p className="sluice-muted">{messages.asOfNothing}</p>;
  return (
    <dl className="sluice-facts">
      <dt>{messages.asOfRevision}</dt>
      <dd>{asOf.revision}</dd>
      {Object.entries(asOf.state).map(([field, value]) => (
        <div key={field}>
          <dt>{field}</dt>
          <dd>{Array.isArray(value) ? format.list(value.map(String)) : value === null || value === undefined ? messages.missingValue : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

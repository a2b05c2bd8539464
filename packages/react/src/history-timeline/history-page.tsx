import { ErrorNotice } from '../error-notice.tsx';
import { useSluice } from '../sluice-provider.tsx';
import { useResource } from '../use-resource.ts';
import { HistoryEntry } from './history-entry.tsx';

interface HistoryPageProps {
  entity: string;
  id: number | string;
  after: string | null;
  pageSize: number;
  /** A new value reads the page again (after an edit). */
  refreshKey: string;
  /** Told the cursor of the next, older page (null at the first revision). */
  onNext?: (cursor: string | null) => void;
}

/** One page of an entity's history, as items of the timeline's list. */
export function HistoryPage({ entity, id, after, pageSize, refreshKey, onNext }: HistoryPageProps) {
  const { client, messages } = useSluice();
  const key = JSON.stringify([entity, id, after, pageSize, refreshKey]);
  const page = useResource(key, async (signal) => {
    const loaded = await client.history(entity, id, { limit: pageSize, after }, { signal });
    onNext?.(loaded.hasNext ? loaded.nextCursor : null);
    return loaded;
  });
  return (
    <>
      {page.error ? (
        <li>
          <ErrorNotice error={page.error} />
        </li>
      ) : null}
      {page.data?.items.map((entry) => (
        <HistoryEntry key={entry.revision} entry={entry} />
      ))}
      {after === null && page.data?.items.length === 0 ? <li className="sluice-muted">{messages.noHistory}</li> : null}
    </>
  );
}

import { useState } from 'react';
import { useSluice } from '../sluice-provider.tsx';
import { AsOfView } from './as-of-view.tsx';
import { HistoryPage } from './history-page.tsx';

/** Props of {@link HistoryTimeline}. */
export interface HistoryTimelineProps {
  /** The history route's entity type, e.g. `orders`. */
  entity: string;
  id: number | string;
  /** Change it (e.g. to the entity's `updatedAt`) to read the history again after an edit. */
  refreshKey?: string | number;
  /** Revisions per page; default 50. */
  pageSize?: number;
}

/**
 * An entity's history, newest first: each revision's changes in sentences, who made them and when,
 * older pages on demand; below it, the tracked fields as they were at a chosen time.
 *
 * @example
 * ```tsx
 * <h2>History</h2>
 * <HistoryTimeline entity="orders" id={order.id} refreshKey={order.updatedAt} />
 * ```
 */
export function HistoryTimeline({ entity, id, refreshKey = '', pageSize = 50 }: HistoryTimelineProps) {
  const { messages } = useSluice();
  const reading = JSON.stringify([entity, id, refreshKey]);
  const [pages, setPages] = useState({ of: reading, cursors: [null] as (string | null)[], next: null as string | null });
  // Another entity, or a refresh, starts again from the newest page.
  const current = pages.of === reading ? pages : { of: reading, cursors: [null], next: null };
  const setNext = (next: string | null) => setPages((previous) => (previous.of === reading ? { ...previous, next } : { of: reading, cursors: [null], next }));
  return (
    <div className="sluice-history">
      <ol className="sluice-timeline">
        {current.cursors.map((after, index) => (
          <HistoryPage
            key={after ?? 'newest'}
            entity={entity}
            id={id}
            after={after}
            pageSize={pageSize}
            refreshKey={String(refreshKey)}
            onNext={index === current.cursors.length - 1 ? setNext : undefined}
          />
        ))}
      </ol>
      {current.next ? (
        <button type="button" className="sluice-button" onClick={() => setPages({ ...current, cursors: [...current.cursors, current.next], next: null })}>
          {messages.olderHistory}
        </button>
      ) : null}
      <AsOfView entity={entity} id={id} />
    </div>
  );
}

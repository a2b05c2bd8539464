import { lazy, Suspense } from 'react';
import { useSluice } from '../sluice-provider.tsx';
import { chartShape } from './chart-shape.ts';
import { PreviewTable } from './preview-table.tsx';
import type { ShownPreview } from './use-builder-actions.ts';

// chart.js is the heaviest part of the screens and needed only once a preview can be drawn.
const PreviewChart = lazy(() => import('./preview-chart.tsx'));

/** The last preview: a chart when it can be drawn, the table; faded once the request has changed. */
export function PreviewPanel({ shown, current, title }: { shown: ShownPreview; current: boolean; title: string }) {
  const { messages } = useSluice();
  return (
    <div className={current ? 'sluice-preview' : 'sluice-preview sluice-preview--stale'}>
      <h2>{messages.previewHeading}</h2>
      {current ? null : <p className="sluice-muted sluice-small">{messages.previewStale}</p>}
      {chartShape(shown.preview) ? (
        <Suspense fallback={<div className="sluice-chart-box" aria-busy="true" />}>
          <PreviewChart preview={shown.preview} title={title} />
        </Suspense>
      ) : null}
      <PreviewTable preview={shown.preview} />
    </div>
  );
}

import { SavedExportList, useSluice } from '@sluice/react';
import { navigate } from '../router.tsx';

/** Saved exports (mine and shared with me): run, open in the builder, duplicate, delete. */
export function SavedExportsPage() {
  return (
    <section>
      <h1>{useSluice().messages.savedExportsLabel}</h1>
      <SavedExportList onOpen={(saved) => navigate(`/exports?saved=${saved.id}`)} onTaskQueued={() => navigate('/tasks')} />
    </section>
  );
}

import { ErrorNotice, ExportBuilder, type ExportBuilderStart, type ExportRequestInput, useResource, useSluice } from '@sluice/react';
import { useTexts } from '../language.tsx';
import { navigate, useLocation } from '../router.tsx';
import { useMe } from '../session.tsx';

/** What `?saved=<id>` or `?task=<id>` starts the builder from; null for a new export. */
function useStart(): { key: string; start: ExportBuilderStart | undefined; error: unknown; loading: boolean } {
  const { client } = useSluice();
  const { query } = useLocation();
  const saved = Number(query.get('saved')) || null;
  const task = Number(query.get('task')) || null;
  const key = saved ? `saved:${saved}` : task ? `task:${task}` : 'new';
  const loaded = useResource(key === 'new' ? null : key, async (signal): Promise<{ key: string; start: ExportBuilderStart }> => {
    if (saved) {
      const found = await client.savedExport(saved, { signal });
      return { key, start: { request: found.request as ExportRequestInput, saved: found } };
    }
    return { key, start: { request: (await client.task(task as number, { signal })).request as ExportRequestInput } };
  });
  // The resource keeps the previous key's answer while it loads the next: that one starts nothing.
  const start = loaded.data?.key === key ? loaded.data.start : undefined;
  return { key, start, error: loaded.error, loading: key !== 'new' && !start && !loaded.error };
}

/** Compose a report as a sentence (new, or from a saved export or a task); a queued task is followed on the tasks page. */
export function ExportBuilderPage() {
  const me = useMe();
  const { key, start, error, loading } = useStart();
  const texts = useTexts();
  return (
    <section>
      <h1>{texts.exportBuilder}</h1>
      <ErrorNotice error={error} />
      {loading ? (
        <section aria-busy="true" />
      ) : (
        <ExportBuilder
          key={start ? key : 'new'}
          user={me}
          save
          notify={me.may.notify ?? false}
          start={start}
          onTaskQueued={() => navigate('/tasks')}
          // The URL names the saved export (a reload opens it) without remounting the builder being edited.
          onSaved={(saved) => window.history.replaceState(null, '', `/exports?saved=${saved.id}`)}
        />
      )}
    </section>
  );
}

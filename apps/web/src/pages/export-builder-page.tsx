import { ExportBuilder } from '@sluice/react';
import { useTexts } from '../language.tsx';
import { navigate } from '../router.tsx';
import { useMe } from '../session.tsx';

/** Compose a report as a sentence; a queued task is followed on the tasks page. */
export function ExportBuilderPage() {
  const me = useMe();
  const texts = useTexts();
  return (
    <section>
      <h1>{texts.exportBuilder}</h1>
      <ExportBuilder user={me} onTaskQueued={() => navigate('/tasks')} />
    </section>
  );
}

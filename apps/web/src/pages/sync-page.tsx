import { SyncStatus } from '@sluice/react';
import { useTexts } from '../language.tsx';

/** What an offline client of this user would sync: mappings, current checkpoints, watermark lag. */
export function SyncPage() {
  return (
    <section>
      <h1>{useTexts().sync}</h1>
      <SyncStatus />
    </section>
  );
}

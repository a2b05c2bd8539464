import { SyncStatus } from '@sluice/react';

/** What an offline client of this user would sync: mappings, current checkpoints, watermark lag. */
export function SyncPage() {
  return (
    <section>
      <h1>Sync</h1>
      <SyncStatus />
    </section>
  );
}

import type { EntityManager } from '@mikro-orm/sql';
import { SyncServer } from '@sluice/sync';
import { demoSyncMappings } from './demo-sync.ts';

/** The demo's sync server, ready to serve (checkpoints signed with the secret kept in the database). */
export async function startDemoSync(em: EntityManager): Promise<SyncServer> {
  const sync = new SyncServer({ mappings: demoSyncMappings });
  await sync.init(em.fork());
  return sync;
}

/**
 * `@sluice/sync/watermelondb`: WatermelonDB's `pullChanges`/`pushChanges` for sluice's routes, and the
 * live stream's pokes. Client code: nothing of the server is loaded.
 *
 * @example
 * ```ts
 * const sluice = watermelonSync({ url: '/api/sync', headers: () => ({ authorization: `Bearer ${token}` }), clientId: deviceId });
 * await synchronize({ database, ...sluice, sendCreatedAsUpdated: true });
 * watchPokes({ url: '/api/sync', headers, onPoke: () => void synchronize({ database, ...sluice, sendCreatedAsUpdated: true }) });
 * ```
 * @packageDocumentation
 */
export { type SyncEndpoint, type WatchOptions, watchPokes } from './client/poke-stream.ts';
export { type WatermelonPullArgs, type WatermelonPushArgs, WatermelonSyncError, type WatermelonSyncOptions, watermelonSync } from './client/watermelon-sync.ts';

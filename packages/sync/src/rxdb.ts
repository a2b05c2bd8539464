/**
 * `@sluice/sync/rxdb`: the pull and push handlers of RxDB's `replicateRxCollection` for a sluice
 * mapping, live through the server's pokes. Client code: nothing of the server is loaded.
 *
 * @example
 * ```ts
 * replicateRxCollection({ collection: db.people, replicationIdentifier: 'sluice-people', live: true,
 *   ...rxdbReplication({ url: '/api/sync', mapping: 'people', primaryKey: 'key', clientId, headers }) });
 * ```
 * @packageDocumentation
 */
export { type SyncEndpoint, type WatchOptions, watchPokes } from './client/poke-stream.ts';
export { type RxdbReplicationOptions, rxdbReplication } from './client/rxdb-replication.ts';

/**
 * `@sluice/sync`: a sync server for offline clients (WatermelonDB, RxDB, your own): a change log written
 * in the flush's transaction, a watermark no late commit can slip under, pull and push with conflicts,
 * client uuids, replay and scopes.
 *
 * @example
 * ```ts
 * const sync = new SyncServer({ mappings });
 * await sync.init(orm.em.fork());
 * const page = await sync.pull(em, { id: '7', scopes: ['1'] }, { mappings: { orders: null } });
 * ```
 * @packageDocumentation
 */
export { type Checkpoint, CheckpointCodec, type LogPosition } from './checkpoint.ts';
export {
  type FailedItem,
  type MappingChanges,
  type MappingPull,
  type MappingPushResult,
  type PullRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  pullRequestSchema,
  pullRequestSchemaFor,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  type SubsetRequest,
  type SyncRow,
  type SyncSummary,
  summaryResponseSchema,
  syncParametersSchema,
  type WatermelonPullResult,
  type WatermelonPushTable,
  type WatermelonTableChanges,
  watermelonPullResponseSchema,
  watermelonPushSchema,
  watermelonQuerySchema,
} from './protocol-schema.ts';
export type { PullSubset } from './pull-subset.ts';
export { parseSyncAge, pruneSyncLog } from './retention.ts';
export { SyncBatch, SyncChange, SyncClock, SyncItem, SyncScopeGeneration, syncEntities } from './sync-entities.ts';
export { SyncError, syncErrorCodes } from './sync-error.ts';
export {
  type SyncEntityMapping,
  type SyncMapping,
  type SyncMembershipMapping,
  type SyncParameter,
  type SyncPushOptions,
  type SyncSubject,
  syncEntity,
  syncKeySchema,
  syncMembership,
  syncParameter,
} from './sync-mapping.ts';
export { currentSyncOrigin, withSyncOrigin } from './sync-origin.ts';
export { SyncServer, type SyncServerOptions } from './sync-server.ts';
export { SyncSubscriber } from './sync-subscriber.ts';
export { WatermelonSync } from './watermelon.ts';

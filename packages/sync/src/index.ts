export { type Checkpoint, CheckpointCodec, type LogPosition } from './checkpoint.ts';
export {
  pullRequestSchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  summaryResponseSchema,
  watermelonPullResponseSchema,
  watermelonPushSchema,
  watermelonQuerySchema,
} from './protocol-schema.ts';
export type { MappingPull } from './pull.ts';
export type { FailedItem, MappingChanges, MappingPushResult, PushRequest, PushResponse } from './push.ts';
export { parseSyncAge, pruneSyncLog } from './retention.ts';
export type { SyncRow } from './row-reader.ts';
export { SyncBatch, SyncChange, SyncClock, SyncItem, SyncScopeGeneration, syncEntities } from './sync-entities.ts';
export { SyncError, syncErrorCodes } from './sync-error.ts';
export {
  type SyncEntityMapping,
  type SyncMapping,
  type SyncMembershipMapping,
  type SyncPushOptions,
  type SyncSubject,
  syncEntity,
  syncKeySchema,
  syncMembership,
} from './sync-mapping.ts';
export { currentSyncOrigin, withSyncOrigin } from './sync-origin.ts';
export { type PullRequest, SyncServer, type SyncServerOptions, type SyncSummary } from './sync-server.ts';
export { SyncSubscriber } from './sync-subscriber.ts';
export { type WatermelonPullResult, WatermelonSync, type WatermelonTableChanges } from './watermelon.ts';

/**
 * `@sluice/audit`: change history written in the flush's own transaction and read as sentences
 * ("Status changed from New to Collecting"), per entity, across entities, or as of a time.
 *
 * @example
 * ```ts
 * const orm = await MikroORM.init({ ...options, entities: [...entities, ...auditEntities], subscribers: [new AuditSubscriber(auditOptions)] });
 * const page = await new HistoryReader(auditOptions).history(em, 'orders', 42, { limit: 20 });
 * ```
 * @packageDocumentation
 */
export { type AuditOptions, type FieldKind, type TrackedEntity, type TrackedField, trackEntity } from './audit-config.ts';
export { type AuditActor, type AuditContext, currentAuditContext, setAuditActor, systemActor, withAuditContext } from './audit-context.ts';
export { AuditChange, AuditRevision, auditEntities, type StoredCollectionChange, type StoredFieldChange } from './audit-entities.ts';
export { AuditError, auditErrorCodes } from './audit-error.ts';
export { AuditSubscriber } from './audit-subscriber.ts';
export { type BulkChange, recordBulkChange } from './bulk-change.ts';
export { describeCollectionChange, describeFieldChange } from './change-text.ts';
export { type FeedFilter, HistoryReader } from './history-reader.ts';
export {
  type CollectionChangeView,
  collectionChangeViewSchema,
  type FieldChangeView,
  fieldChangeViewSchema,
  type HistoryEntry,
  historyEntrySchema,
  type StateAsOf,
  stateAsOfSchema,
} from './history-view.ts';
export { parseAge, pruneHistory } from './retention.ts';

import type { EntityManager } from '@mikro-orm/sql';
import { currentAuditContext } from './audit-context.ts';
import { AuditChange, AuditRevision, type StoredFieldChange } from './audit-entities.ts';

/** A change made behind the ORM's back (`nativeUpdate`, QueryBuilder updates), to record explicitly. */
export interface BulkChange {
  entityType: string;
  entityIds: (string | number)[];
  /** Display values, as history shows them. */
  changes: StoredFieldChange[];
  /** Scope per entity id (who may read it), when the type uses scopes. */
  scopes?: Record<string, string | number | null>;
}

/**
 * Records one revision for a bulk write, in the transaction of `em` when it has one: wrap the bulk
 * write and this call in `em.transactional()` so both commit or neither does.
 */
export async function recordBulkChange(em: EntityManager, change: BulkChange): Promise<number | null> {
  if (change.entityIds.length === 0) return null;
  const context = currentAuditContext();
  const ctx = em.getTransactionContext();
  const revision = await em.insert(
    AuditRevision,
    { createdAt: new Date(), actorId: context?.actor?.id ?? null, actorName: context?.actor?.username ?? null, correlationId: context?.correlationId ?? null },
    { ctx },
  );
  await em.insertMany(
    AuditChange,
    change.entityIds.map((id) => ({
      revision,
      entityType: change.entityType,
      entityId: String(id),
      action: 'update' as const,
      scope: change.scopes?.[String(id)] === undefined || change.scopes?.[String(id)] === null ? null : String(change.scopes[String(id)]),
      changes: change.changes,
      collections: [],
      state: {},
    })),
    { ctx },
  );
  return revision as number;
}

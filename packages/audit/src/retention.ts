import type { EntityManager } from '@mikro-orm/sql';
import { ageInMs } from '@sluice/core';
import { AuditChange, AuditRevision } from './audit-entities.ts';
import { AuditError } from './audit-error.ts';

/** Parses an age such as `365d`, `12h` or `30m` into milliseconds (`AUDIT_INVALID_RETENTION` otherwise). */
export function parseAge(value: string): number {
  const age = ageInMs(value);
  if (age === null) throw AuditError.invalidRetention(value);
  return age;
}

/**
 * Deletes revisions older than `olderThan` with their changes, 1,000 revisions per transaction so a
 * large prune never holds long locks. Returns how many revisions went.
 */
export async function pruneHistory(em: EntityManager, olderThan: Date, batchSize = 1_000): Promise<number> {
  let pruned = 0;
  for (;;) {
    const deleted = await em.fork().transactional(async (trx) => {
      const revisions = await trx.find(AuditRevision, { createdAt: { $lt: olderThan } }, { fields: ['id'], orderBy: { id: 'asc' }, limit: batchSize });
      const ids = revisions.map((revision) => revision.id);
      if (ids.length === 0) return 0;
      await trx.nativeDelete(AuditChange, { revision: { $in: ids } });
      return trx.nativeDelete(AuditRevision, { id: { $in: ids } });
    });
    pruned += deleted;
    if (deleted < batchSize) return pruned;
  }
}

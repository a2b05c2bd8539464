import type { EntityManager } from '@mikro-orm/sql';
import { AuditChange, AuditRevision } from './audit-entities.ts';
import { AuditError } from './audit-error.ts';

const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

/** Parses an age such as `365d`, `12h` or `30m` into milliseconds. */
export function parseAge(value: string): number {
  const match = /^(\d+)([dhm])$/.exec(value.trim());
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount <= 0) throw AuditError.invalidRetention(value);
  return amount * (units[match[2] as string] as number);
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

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';

/**
 * One row per task owner, locked while a task is created: the rate check and the insert of one owner
 * then run one after the other, so concurrent requests cannot all pass the same check.
 */
export const ExportTaskOwner = defineEntity({
  name: 'ExportTaskOwner',
  tableName: 'export_task_owner',
  properties: {
    ownerId: p.integer().primary().autoincrement(false),
    lockedAt: p.datetime(3),
  },
});
export type ExportTaskOwner = InferEntity<typeof ExportTaskOwner>;

/** Creates `ownerId`'s lock row if it is missing, in its own statement (racing creators just wait). */
export async function ensureTaskOwner(em: EntityManager, ownerId: number): Promise<void> {
  await em.fork().upsert(ExportTaskOwner, { ownerId, lockedAt: new Date() }, { onConflictAction: 'ignore' });
}

/**
 * Takes `ownerId`'s row lock in `em`'s transaction. An UPDATE is a write on every dialect: a row lock
 * until commit on PostgreSQL and MariaDB, the write lock on SQLite.
 */
export async function lockTaskOwner(em: EntityManager, ownerId: number): Promise<void> {
  await em.nativeUpdate(ExportTaskOwner, { ownerId }, { lockedAt: new Date() });
}

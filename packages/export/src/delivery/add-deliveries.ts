import type { EntityManager } from '@mikro-orm/sql';
import type { ExportTask } from '../tasks/export-task-entity.ts';
import type { PlannedDelivery } from './delivery-policy.ts';
import { ExportDelivery } from './export-delivery-entity.ts';

/** Stores `planned` deliveries of `task` in `em`'s unit of work, to be flushed in the task's own transaction. */
export function addDeliveries(em: EntityManager, task: ExportTask, planned: readonly PlannedDelivery[], now: Date): void {
  for (const delivery of planned) {
    em.create(ExportDelivery, { task, ...delivery, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now });
  }
}

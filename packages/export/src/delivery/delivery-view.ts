import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { deliveryKinds, deliveryStatuses, ExportDelivery } from './export-delivery-entity.ts';

/**
 * What the owner of a task (and admins) see of each of its deliveries: part of the task's view, so it is
 * shown exactly to those who may see the task.
 */
export const deliveryViewSchema = z.object({
  kind: z.enum(deliveryKinds),
  /** The e-mail address or the webhook URL. */
  target: z.string(),
  attach: z.boolean(),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  /** Why the last attempt failed, in words; null once sent. */
  lastError: z.string().nullable(),
  /** When a pending delivery is tried next (its task must have succeeded). */
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

/** The view of one delivery. */
export function deliveryView(delivery: ExportDelivery): DeliveryView {
  return {
    kind: delivery.kind,
    target: delivery.target,
    attach: delivery.attach,
    status: delivery.status,
    attempts: delivery.attempts,
    lastError: delivery.lastError ?? null,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    sentAt: delivery.sentAt ? delivery.sentAt.toISOString() : null,
  };
}

/** The deliveries of `taskIds` (tasks the caller may see), by task, in the order they were asked for. */
export async function deliveriesByTask(em: EntityManager, taskIds: readonly number[]): Promise<Map<number, DeliveryView[]>> {
  const byTask = new Map<number, DeliveryView[]>();
  // An application that does not deliver need not register the entity (nor have its table).
  if (taskIds.length === 0 || !em.getMetadata().getByClassName(ExportDelivery.meta.className, false)) return byTask;
  const deliveries = await em.find(ExportDelivery, { task: { $in: [...taskIds] } }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  for (const delivery of deliveries) {
    const list = byTask.get(delivery.task.id) ?? [];
    list.push(deliveryView(delivery));
    byTask.set(delivery.task.id, list);
  }
  return byTask;
}

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ExportTask } from '../tasks/export-task-entity.ts';

/** How a finished task reaches someone. */
export const deliveryKinds = ['email', 'webhook'] as const;
export type DeliveryKind = (typeof deliveryKinds)[number];

/**
 * Where a delivery stands: `pending` (waiting for its task to succeed, or for its next attempt),
 * `sending` (a worker holds its lease), `sent`, or `failed` after its last attempt.
 */
export const deliveryStatuses = ['pending', 'sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * One delivery of one task's file (an e-mail or a webhook), stored in the transaction that creates the
 * task and sent by a {@link DeliveryWorker} once the task succeeded. Every change of its state is one
 * guarded UPDATE in `delivery-transitions.ts`.
 */
export const ExportDelivery = defineEntity({
  name: 'ExportDelivery',
  tableName: 'export_delivery',
  properties: {
    id: p.integer().primary(),
    task: () => p.manyToOne(ExportTask).index(),
    kind: p.enum(deliveryKinds),
    /** The e-mail address or the webhook URL. */
    target: p.string().length(2000),
    /** E-mail only: attach the file when it is small enough. */
    attach: p.boolean().default(false),
    status: p.enum(deliveryStatuses),
    attempts: p.integer().default(0),
    /** A pending delivery is not tried before this time (retry back-off). */
    nextAttemptAt: p.datetime(3),
    lastError: p.text().nullable(),
    sentAt: p.datetime(3).nullable(),
    leaseOwner: p.string().length(100).nullable(),
    leaseUntil: p.datetime(3).nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
  // Workers look for due pending deliveries (and sending ones whose worker died).
  indexes: [{ properties: ['status', 'nextAttemptAt'] }],
});
export type ExportDelivery = InferEntity<typeof ExportDelivery>;

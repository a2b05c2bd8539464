import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Names of the order statuses, in workflow order (ids 1..5 in this order). */
export const statusNames = ['New', 'Collecting', 'Shipped', 'Delivered', 'Cancelled'] as const;

/** Where an order stands. */
export const Status = defineEntity({
  name: 'Status',
  tableName: 'status',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(50),
  },
});
export type Status = InferEntity<typeof Status>;

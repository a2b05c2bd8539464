import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** An office; every person belongs to one, and users are granted access per center. */
export const Center = defineEntity({
  name: 'Center',
  tableName: 'center',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(100),
  },
});
export type Center = InferEntity<typeof Center>;

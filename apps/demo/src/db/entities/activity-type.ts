import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** What kind of activity took place (a visit, a phone call...). */
export const ActivityType = defineEntity({
  name: 'ActivityType',
  tableName: 'activity_type',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(100),
  },
});
export type ActivityType = InferEntity<typeof ActivityType>;

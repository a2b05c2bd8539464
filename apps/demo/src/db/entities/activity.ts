import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ActivityType } from './activity-type.ts';
import { Person } from './person.ts';

/** Something done with a person on a day. */
export const Activity = defineEntity({
  name: 'Activity',
  tableName: 'activity',
  properties: {
    id: p.integer().primary(),
    person: () => p.manyToOne(Person).deleteRule('cascade').index(),
    type: () => p.manyToOne(ActivityType).index(),
    date: p.date(),
    durationMinutes: p.integer(),
    createdAt: p.datetime(6),
  },
  indexes: [{ properties: ['date', 'id'] }, { properties: ['durationMinutes', 'id'] }],
});
export type Activity = InferEntity<typeof Activity>;

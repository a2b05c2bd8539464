import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Center } from './center.ts';

export const genders = ['female', 'male', 'other'] as const;
export type Gender = (typeof genders)[number];

/** A person followed by a center. */
export const Person = defineEntity({
  name: 'Person',
  tableName: 'person',
  properties: {
    id: p.integer().primary(),
    firstName: p.string().length(100),
    lastName: p.string().length(100),
    gender: p.enum(genders).nullable(),
    birthdate: p.date().nullable(),
    nationality: p.string().length(2).nullable(),
    center: () => p.manyToOne(Center).index(),
    createdAt: p.datetime(6),
  },
  // Composite (sort key, id) indexes serve keyset pages in every public ordering.
  indexes: [
    { properties: ['lastName', 'id'] },
    { properties: ['firstName', 'id'] },
    { properties: ['birthdate', 'id'] },
    { properties: ['createdAt', 'id'] },
    { properties: ['nationality', 'id'] },
  ],
});
export type Person = InferEntity<typeof Person>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Center } from './center.ts';

/** Roles a demo user can hold. `ADMIN` implies every other role in every center. */
export const userRoles = ['ADMIN', 'EXPORT', 'HISTORY', 'SYNC'] as const;
export type UserRole = (typeof userRoles)[number];

/** Someone who logs into the demo; sees only the rows of their `centers`. */
export const AppUser = defineEntity({
  name: 'AppUser',
  tableName: 'app_user',
  properties: {
    id: p.integer().primary(),
    username: p.string().length(100).unique(),
    passwordHash: p.string().length(255),
    /** Where e-mail deliveries of the user's export tasks go by default. */
    email: p.string().length(254).nullable(),
    roles: p.json<UserRole[]>(),
    centers: () => p.manyToMany(Center).pivotTable('app_user_centers'),
  },
});
export type AppUser = InferEntity<typeof AppUser>;

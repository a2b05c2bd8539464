import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { AppUser } from './app-user.ts';

/** A login session. Only a SHA-256 of the token is stored, so a leaked table grants nothing. */
export const AppSession = defineEntity({
  name: 'AppSession',
  tableName: 'app_session',
  properties: {
    tokenHash: p.string().length(64).primary(),
    user: () => p.manyToOne(AppUser).deleteRule('cascade').index(),
    createdAt: p.datetime(),
    expiresAt: p.datetime().index(),
  },
});
export type AppSession = InferEntity<typeof AppSession>;

import { hash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { AppSession, AppUser, Center } from '../db/entities/index.ts';
import type { CurrentUser } from './current-user.ts';
import { verifyPassword } from './password.ts';
import type { SessionCache } from './session-cache.ts';

// One-shot: no Hash object per authenticated request.
function hashToken(token: string): string {
  return hash('sha256', token);
}

/** Checks credentials; `null` when the user is unknown or the password wrong. */
export async function authenticate(em: EntityManager, username: string, password: string): Promise<AppUser | null> {
  const user = await em.findOne(AppUser, { username });
  // Hash even for unknown users so response time does not reveal which names exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  return ok && user ? user : null;
}

/** Starts a session for `user` and returns its bearer token (shown once, stored hashed); purges expired sessions. */
export async function openSession(em: EntityManager, user: AppUser, ttlSeconds: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  // Every login adds a row: expired ones go here (indexed on expires_at), so the table stays small.
  await em.nativeDelete(AppSession, { expiresAt: { $lt: now } });
  em.create(AppSession, { tokenHash: hashToken(token), user, createdAt: now, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) });
  await em.flush();
  return token;
}

/** Ends the session of `token`, if any, here and in `cache`. */
export async function closeSession(em: EntityManager, token: string, cache?: SessionCache): Promise<void> {
  cache?.delete(hashToken(token));
  await em.nativeDelete(AppSession, { tokenHash: hashToken(token) });
}

/** The user behind a live session token, or `null` when it is unknown or expired; `cache` spares the database. */
export async function resolveSession(em: EntityManager, token: string, cache?: SessionCache): Promise<CurrentUser | null> {
  const tokenHash = hashToken(token);
  const cached = cache?.get(tokenHash);
  if (cached) return cached;
  const session = await em.findOne(AppSession, { tokenHash, expiresAt: { $gt: new Date() } }, { populate: ['user.centers'] });
  if (!session) return null;
  const user = await currentUserOf(em, session.user);
  cache?.set(tokenHash, user, session.expiresAt);
  return user;
}

/** User `id` as a request would see them now, or `null` when there is no such user (export tasks run as their owner). */
export async function loadCurrentUser(em: EntityManager, id: number): Promise<CurrentUser | null> {
  const user = await em.findOne(AppUser, { id }, { populate: ['centers'] });
  return user ? currentUserOf(em, user) : null;
}

async function currentUserOf(em: EntityManager, user: AppUser): Promise<CurrentUser> {
  const isAdmin = user.roles.includes('ADMIN');
  const centerIds = isAdmin ? (await em.find(Center, {}, { fields: ['id'] })).map((center) => center.id) : user.centers.getItems().map((center) => center.id);
  return { id: user.id, username: user.username, email: user.email ?? null, roles: [...user.roles], centerIds: centerIds.sort((a, b) => a - b) };
}

/**
 * The one shape the screens read that is the application's, not sluice's: who is logged in and what they
 * may do (the demo's `GET /api/me`; an app maps its own user onto it). Nothing else in this package may
 * copy a server shape.
 */

/**
 * `GET /api/me`: the logged-in user, what the UI may offer them, and the scopes (centers, teams…) they may export.
 * Mirrors `meDto` in `apps/demo/src/http/routes/me.ts` (roles there are the demo's `userRoles` enum).
 */
export interface CurrentUser {
  id: number;
  username: string;
  roles: string[];
  /** `notify`: the server can e-mail this user when a task is ready (the builder then offers it). */
  may: { export: boolean; history: boolean; sync: boolean; notify?: boolean };
  scopes: { id: string | number; name: string }[];
}

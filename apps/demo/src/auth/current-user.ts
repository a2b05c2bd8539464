import type { UserRole } from '../db/entities/index.ts';

/** The authenticated caller of a request, with the centers whose rows they may see. */
export interface CurrentUser {
  id: number;
  username: string;
  /** Where the user's export deliveries go by default; null when none is on record. */
  email?: string | null;
  roles: UserRole[];
  /** Every center for an `ADMIN`, otherwise the user's own. */
  centerIds: number[];
}

/** True when `user` holds `role`; `ADMIN` holds every role. */
export function hasRole(user: CurrentUser, role: UserRole): boolean {
  return user.roles.includes('ADMIN') || user.roles.includes(role);
}

/** True when `user` may see rows of `centerId`. */
export function canUseCenter(user: CurrentUser, centerId: number): boolean {
  return user.centerIds.includes(centerId);
}

import type { ExportUser } from '@sluice/export';
import { type CurrentUser, canUseCenter, hasRole } from '../auth/current-user.ts';
import type { UserRole } from '../db/entities/index.ts';

/** The demo's users as the export framework sees them: roles hold in every center of the user. */
export function exportUser(user: CurrentUser): ExportUser {
  return {
    id: user.id,
    username: user.username,
    centerIds: user.centerIds,
    hasRole: (role, centerId) => canUseCenter(user, centerId) && hasRole(user, role as UserRole),
    isAdmin: user.roles.includes('ADMIN'),
  };
}

import type { ExportUser } from '@sluice/export';
import { type CurrentUser, canUseCenter, hasRole } from '../auth/current-user.ts';
import type { UserRole } from '../db/entities/index.ts';

/** The demo's users as the export framework sees them: a scope is a center id; roles hold in every center of the user. */
export function exportUser(user: CurrentUser): ExportUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email ?? null,
    scopes: user.centerIds.map(String),
    hasRole: (role, scope) => canUseCenter(user, Number(scope)) && hasRole(user, role as UserRole),
    isAdmin: user.roles.includes('ADMIN'),
  };
}

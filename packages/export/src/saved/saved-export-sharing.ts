import type { ExportUser } from '../elements/export-context.ts';
import type { SavedExport } from './saved-export-entity.ts';

/** Who a saved export is shared with, in the words of {@link ExportUser}: roles held in a scope, and scopes. */
export interface SavedExportSharing {
  /** Users holding one of these roles in one of their own scopes may see and run it. */
  sharedRoles: readonly string[];
  /** Users using one of these scopes may see and run it. */
  sharedScopes: readonly string[];
}

/**
 * Whether anyone besides the owner may see an export shared so.
 *
 * @example isShared({ sharedRoles: [], sharedScopes: ['3'] }) // true
 */
export function isShared(sharing: SavedExportSharing): boolean {
  return sharing.sharedRoles.length > 0 || sharing.sharedScopes.length > 0;
}

/**
 * Whether `user` may see (and so run or duplicate) `saved`: its owner, or someone it is shared with.
 * Seeing grants nothing else: a run is validated for, and limited to, the caller's own scopes and roles.
 *
 * @example canSee({ ownerId: 2, sharedRoles: ['EXPORT'], sharedScopes: [] }, carol) // carol holds EXPORT in one of her scopes
 */
export function canSee(saved: Pick<SavedExport, 'ownerId'> & SavedExportSharing, user: ExportUser): boolean {
  if (saved.ownerId === user.id) return true;
  if (user.scopes.some((scope) => saved.sharedScopes.includes(scope))) return true;
  return saved.sharedRoles.some((role) => user.scopes.some((scope) => user.hasRole(role, scope)));
}

import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by saved exports. One the caller may not see is `SAVED_EXPORT_NOT_FOUND`, exactly like a missing one. */
export const savedExportErrorCodes = defineErrorCatalog({
  SAVED_EXPORT_NOT_FOUND: {
    statusCode: 404,
    description: 'No saved export has this id, or the caller may not see it (neither its owner nor among those it is shared with).',
  },
  SAVED_EXPORT_FORBIDDEN: {
    statusCode: 403,
    description: 'Only the owner may change or delete a saved export; others it is shared with may run or duplicate it.',
  },
  SAVED_EXPORT_VERSION_CONFLICT: {
    statusCode: 409,
    description: 'The saved export was changed since the caller read it (`expectedVersion` is stale); read it again and reapply the change.',
  },
});

/**
 * A saved-export operation the caller may not do, or one that lost a race.
 *
 * @example throw SavedExportError.versionConflict(7, 3, 4); // 409 SAVED_EXPORT_VERSION_CONFLICT
 */
export class SavedExportError extends SluiceError {
  /** Also for one the caller may not see: its existence is never revealed. */
  static notFound(id: number): SavedExportError {
    return new SavedExportError('SAVED_EXPORT_NOT_FOUND', `Saved export ${id} not found`, { details: { id } });
  }

  static forbidden(id: number, action: string): SavedExportError {
    return new SavedExportError('SAVED_EXPORT_FORBIDDEN', `Only the owner of saved export ${id} may ${action} it`, { details: { id } });
  }

  static versionConflict(id: number, expectedVersion: number, currentVersion: number): SavedExportError {
    return new SavedExportError(
      'SAVED_EXPORT_VERSION_CONFLICT',
      `Saved export ${id} was changed meanwhile (version ${currentVersion}, not ${expectedVersion}); reload it and apply your change again`,
      { details: { id, expectedVersion, currentVersion } },
    );
  }
}

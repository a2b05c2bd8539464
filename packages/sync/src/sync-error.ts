import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by `@sluice/sync`. */
export const syncErrorCodes = defineErrorCatalog({
  SYNC_UNKNOWN_MAPPING: { statusCode: 400, description: 'A pull or push names a mapping the server does not sync, or one the caller may not use.' },
  SYNC_INVALID_CHECKPOINT: {
    statusCode: 400,
    description: 'A checkpoint is malformed, tampered with, made for another mapping, or issued by another database; refused before any query runs.',
  },
  SYNC_INVALID_BATCH: { statusCode: 400, description: 'A push is malformed: too many rows, a uuid used twice, or a row both updated and deleted.' },
  SYNC_CONFLICT: {
    statusCode: 409,
    description: 'A pushed row changed on the server since the checkpoint the client sent; `details.conflicts` lists them. Pull, then push again.',
  },
  SYNC_BATCH_REUSED: { statusCode: 409, description: 'A push reuses a client and batch id that another user already sent.' },
  SYNC_INVALID_CONFIG: { statusCode: 500, description: 'A sync mapping names an entity, property or scope path that does not exist; raised at start-up.' },
  SYNC_SCOPE_NOT_ALLOWED: { statusCode: 403, description: 'A pull or live stream asks for a subset of scopes that are not all among the caller’s scopes.' },
  SYNC_UNKNOWN_PARAMETER: { statusCode: 400, description: 'A pull names a parameter its mapping does not declare.' },
  SYNC_INVALID_PARAMETER: { statusCode: 400, description: 'A pull’s parameter value does not match its declared schema, or its subset names too many scopes.' },
  SYNC_INVALID_RETENTION: { statusCode: 400, description: 'A prune was asked with a malformed or non-positive age (expected e.g. `30d`).' },
});

/** A sync request or configuration that cannot be served. */
export class SyncError extends SluiceError {
  static unknownMapping(mapping: string): SyncError {
    return new SyncError('SYNC_UNKNOWN_MAPPING', `No sync mapping "${mapping}" is available to you`, { details: { mapping } });
  }

  static invalidCheckpoint(reason: string): SyncError {
    return new SyncError('SYNC_INVALID_CHECKPOINT', `Invalid checkpoint: ${reason}`);
  }

  static invalidBatch(reason: string): SyncError {
    return new SyncError('SYNC_INVALID_BATCH', `Invalid push: ${reason}`);
  }

  static conflict(conflicts: { mapping: string; id: string; row: Record<string, unknown> | null }[]): SyncError {
    return new SyncError('SYNC_CONFLICT', `${conflicts.length} pushed row(s) changed on the server since your checkpoint; pull, then push again`, {
      details: { conflicts },
    });
  }

  static batchReused(batchId: string, reason: 'another user' | 'other content'): SyncError {
    return new SyncError(
      'SYNC_BATCH_REUSED',
      reason === 'another user'
        ? `Batch ${batchId} of this client was sent by another user`
        : `Batch ${batchId} of this client was applied with other content: send new changes under a new batch id`,
    );
  }

  static scopeNotAllowed(scopes: readonly string[]): SyncError {
    return new SyncError('SYNC_SCOPE_NOT_ALLOWED', `You may not sync scope(s) ${scopes.join(', ')}`, { details: { scopes } });
  }

  static unknownParameter(mapping: string, parameter: string): SyncError {
    return new SyncError('SYNC_UNKNOWN_PARAMETER', `Mapping "${mapping}" has no parameter "${parameter}"`, { details: { mapping, parameter } });
  }

  static invalidParameter(mapping: string | null, parameter: string, reason: string): SyncError {
    return new SyncError('SYNC_INVALID_PARAMETER', `Invalid ${mapping ? `parameter "${parameter}" of mapping "${mapping}"` : parameter}: ${reason}`, {
      details: { mapping, parameter },
    });
  }

  static invalidConfig(reason: string): SyncError {
    return new SyncError('SYNC_INVALID_CONFIG', `Invalid sync configuration: ${reason}`);
  }

  static invalidRetention(value: string): SyncError {
    return new SyncError('SYNC_INVALID_RETENTION', `Invalid age "${value}"; expected a positive number followed by d, h or m (e.g. 30d)`, {
      details: { value },
    });
  }
}

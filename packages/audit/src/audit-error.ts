import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by `@sluice/audit`. */
export const auditErrorCodes = defineErrorCatalog({
  AUDIT_UNKNOWN_ENTITY_TYPE: { statusCode: 404, description: 'The history of an entity type that is not tracked was requested.' },
  AUDIT_INVALID_RETENTION: { statusCode: 400, description: 'A prune was asked with a malformed or non-positive age (expected e.g. `365d`, `12h`).' },
  AUDIT_INVALID_CONFIG: { statusCode: 500, description: 'The audit configuration names an entity or field that does not exist; raised at start-up.' },
});

/** A history request or configuration that cannot be served. */
export class AuditError extends SluiceError {
  static unknownEntityType(entityType: string): AuditError {
    return new AuditError('AUDIT_UNKNOWN_ENTITY_TYPE', `No history is kept for "${entityType}"`, { details: { entityType } });
  }

  static invalidRetention(value: string): AuditError {
    return new AuditError('AUDIT_INVALID_RETENTION', `Invalid age "${value}"; expected a positive number followed by d, h or m (e.g. 365d)`, {
      details: { value },
    });
  }

  static invalidConfig(reason: string): AuditError {
    return new AuditError('AUDIT_INVALID_CONFIG', `Invalid audit configuration: ${reason}`);
  }
}

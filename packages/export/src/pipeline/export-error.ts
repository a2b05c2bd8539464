import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by `@sluice/export`. Every request error names the element and, where it applies, the field. */
export const exportErrorCodes = defineErrorCatalog({
  EXPORT_UNKNOWN_ELEMENT: { statusCode: 400, description: 'The request names an export, filter, aggregator or formatter alias that does not exist.' },
  EXPORT_INVALID_PARAMETERS: {
    statusCode: 400,
    description: "An element's parameters fail its schema or cross-field checks; `details.issues` names the element and field.",
  },
  EXPORT_NOT_APPLICABLE: {
    statusCode: 400,
    description: 'A filter or aggregator does not apply to the chosen export, or the formatter cannot format its kind of result.',
  },
  EXPORT_FORBIDDEN: {
    statusCode: 403,
    description: 'The user lacks the role an element requires in one of the chosen scopes, or chose a scope they may not use.',
  },
  EXPORT_INVALID_REQUEST: { statusCode: 400, description: 'The export request itself is malformed (not an object, missing export or formatter, wrong types).' },
});

/** One problem of an export request. */
export interface ExportIssue {
  /** e.g. `filters.person_birthdate.to` */
  path: string;
  message: string;
}

/** An export request that cannot run, or an export that failed. */
export class ExportError extends SluiceError {
  static unknownElement(kind: string, alias: string): ExportError {
    return new ExportError('EXPORT_UNKNOWN_ELEMENT', `Unknown ${kind} "${alias}"`, { details: { kind, alias } });
  }

  static invalidParameters(issues: ExportIssue[]): ExportError {
    return new ExportError('EXPORT_INVALID_PARAMETERS', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
      details: { issues },
    });
  }

  static notApplicable(path: string, reason: string): ExportError {
    return new ExportError('EXPORT_NOT_APPLICABLE', `${path}: ${reason}`, { details: { path } });
  }

  static forbidden(reason: string): ExportError {
    return new ExportError('EXPORT_FORBIDDEN', reason);
  }

  static invalidRequest(issues: ExportIssue[]): ExportError {
    return new ExportError('EXPORT_INVALID_REQUEST', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
      details: { issues },
    });
  }
}

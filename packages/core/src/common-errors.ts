import { defineErrorCatalog } from './error-catalog.ts';
import { SluiceError } from './sluice-error.ts';

/** Codes of the errors every sluice package and app may raise. */
export const commonErrorCodes = defineErrorCatalog({
  VALIDATION_FAILED: { statusCode: 400, description: 'The request body, query or parameters do not match their schema; `details.issues` lists each field.' },
  UNAUTHENTICATED: { statusCode: 401, description: 'No valid session cookie or bearer token was sent.' },
  INVALID_CREDENTIALS: { statusCode: 401, description: 'Login failed: unknown user name or wrong password.' },
  FORBIDDEN: { statusCode: 403, description: 'The caller is authenticated but lacks the role this action needs.' },
  NOT_FOUND: { statusCode: 404, description: 'The resource does not exist or the caller may not see it (the two are not told apart).' },
  ROUTE_NOT_FOUND: { statusCode: 404, description: 'No route matches the method and path.' },
  CONFLICT: { statusCode: 409, description: 'The change conflicts with existing data (e.g. a unique value already taken).' },
  CONCURRENT_WRITE: {
    statusCode: 409,
    description:
      'The database refused the write because a concurrent transaction changed the same data (a serialization failure, a deadlock or a lock wait timeout); nothing was applied, send it again.',
  },
  MALFORMED_REQUEST: { statusCode: 400, description: 'The request is not well-formed HTTP, or its URL is not validly percent-encoded.' },
  REQUEST_TIMEOUT: { statusCode: 408, description: 'The client took too long to send its request.' },
  PAYLOAD_TOO_LARGE: { statusCode: 413, description: 'The request body is larger than the server accepts.' },
  URI_TOO_LONG: { statusCode: 414, description: 'A path segment is longer than the server accepts (e.g. a 5,000-digit id).' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, description: 'The request body has a content type the route does not accept.' },
  RATE_LIMITED: { statusCode: 429, description: 'Too many requests; retry after the time given in `details.retryAfterSeconds`.' },
  HEADERS_TOO_LARGE: { statusCode: 431, description: 'The request line and headers (with the query string) exceed the server limit.' },
  CONFIG_INVALID: { statusCode: 500, description: 'The application is misconfigured (e.g. an unsupported DATABASE_URL); raised at start-up.' },
  INTERNAL_ERROR: { statusCode: 500, description: 'An unexpected failure; the message is generic and the cause is logged, never sent.' },
});

/** Keys of {@link commonErrorCodes}. */
export type CommonErrorCode = keyof typeof commonErrorCodes;

/** One invalid field of a request, as listed in `details.issues`. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `body.birthdate` or `query.limit`. */
  path: string;
  message: string;
}

/** The request does not match its schema. */
export class ValidationError extends SluiceError {
  static fromIssues(issues: ValidationIssue[], message?: string): ValidationError {
    const summary = message ?? issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return new ValidationError('VALIDATION_FAILED', summary || 'Invalid request', {
      statusCode: commonErrorCodes.VALIDATION_FAILED.statusCode,
      details: { issues },
    });
  }

  static field(path: string, message: string): ValidationError {
    return ValidationError.fromIssues([{ path, message }]);
  }
}

/** Authentication or authorization failed. */
export class AccessError extends SluiceError {
  static unauthenticated(): AccessError {
    return new AccessError('UNAUTHENTICATED', 'Authentication required');
  }

  static invalidCredentials(): AccessError {
    return new AccessError('INVALID_CREDENTIALS', 'Unknown user name or wrong password');
  }

  static forbidden(action: string): AccessError {
    return new AccessError('FORBIDDEN', `You are not allowed to ${action}`);
  }
}

/** A resource is missing or hidden from the caller. */
export class NotFoundError extends SluiceError {
  static resource(resource: string, id: string | number): NotFoundError {
    return new NotFoundError('NOT_FOUND', `${resource} ${id} not found`, { details: { resource, id } });
  }

  static route(method: string, url: string): NotFoundError {
    return new NotFoundError('ROUTE_NOT_FOUND', `Route ${method} ${url} not found`);
  }
}

/** The change clashes with existing data. */
export class ConflictError extends SluiceError {
  static uniqueValue(field: string): ConflictError {
    return new ConflictError('CONFLICT', `The value of ${field} is already taken`, { details: { field } });
  }

  static referenced(resource: string): ConflictError {
    return new ConflictError('CONFLICT', `${resource} is still referenced by other records`);
  }

  static concurrentWrite(): ConflictError {
    return new ConflictError('CONCURRENT_WRITE', 'A concurrent change to the same data got there first; nothing was applied, send the request again');
  }
}

/** The application cannot start as configured. */
export class ConfigError extends SluiceError {
  static invalid(setting: string, reason: string): ConfigError {
    return new ConfigError('CONFIG_INVALID', `Invalid ${setting}: ${reason}`, { details: { setting } });
  }
}

/** The request cannot be read at all (size or content type). */
export class RequestError extends SluiceError {
  static payloadTooLarge(message: string): RequestError {
    return new RequestError('PAYLOAD_TOO_LARGE', message);
  }

  static unsupportedMediaType(message: string): RequestError {
    return new RequestError('UNSUPPORTED_MEDIA_TYPE', message);
  }

  static malformed(message: string): RequestError {
    return new RequestError('MALFORMED_REQUEST', message);
  }

  static timeout(): RequestError {
    return new RequestError('REQUEST_TIMEOUT', 'The request was not received in time');
  }

  static uriTooLong(): RequestError {
    return new RequestError('URI_TOO_LONG', 'A path segment of the URL is too long');
  }

  static headersTooLarge(): RequestError {
    return new RequestError('HEADERS_TOO_LARGE', 'The request headers (or its URL) are too large');
  }

  static rateLimited(retryAfterSeconds: number): RequestError {
    return new RequestError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
  }
}

/** Something failed that the caller cannot fix; details stay in the server log. */
export class InternalError extends SluiceError {
  static unexpected(cause: unknown): InternalError {
    return new InternalError('INTERNAL_ERROR', 'Internal server error', { cause });
  }
}

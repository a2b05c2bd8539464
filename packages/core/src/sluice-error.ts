import { statusOfCode } from './error-catalog.ts';

const sluiceErrorBrand = Symbol.for('sluice.error');

/** Options shared by every {@link SluiceError}. */
export interface SluiceErrorOptions {
  /** HTTP status the error maps to at an HTTP boundary; by default the one its code's catalog declares. */
  statusCode?: number;
  /** Machine-readable extra information (e.g. the failing fields of a validation). */
  details?: unknown;
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/**
 * Base class of every error sluice throws on purpose.
 *
 * `code` is stable and documented in `docs/errors.md`; callers branch on it, never on `message`.
 * Subclasses are built through static factories so that the code, status and wording of one
 * failure live in one place.
 */
export class SluiceError extends Error {
  /** Brand that survives duplicate copies of this package, where `instanceof` would not. */
  readonly [sluiceErrorBrand] = true;
  readonly code: string;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: string, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    const statusCode = options.statusCode ?? statusOfCode(code);
    if (statusCode === undefined) throw new TypeError(`error code ${code} is in no catalog and was given no statusCode`);
    this.statusCode = statusCode;
    this.details = options.details;
  }

  /** The body sluice answers over HTTP: `{"error":{"code","message","details"?}}`. */
  toResponseBody(): ErrorResponseBody {
    return errorResponseBody(this.code, this.message, this.details);
  }
}

/** The JSON shape of every HTTP error answered by sluice. */
export interface ErrorResponseBody {
  error: { code: string; message: string; details?: unknown };
}

/** Builds the HTTP error body, leaving `details` out when there is none. */
export function errorResponseBody(code: string, message: string, details?: unknown): ErrorResponseBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** True for any {@link SluiceError}, including ones from another copy of this package. */
export function isSluiceError(error: unknown): error is SluiceError {
  return error instanceof SluiceError || (typeof error === 'object' && error !== null && sluiceErrorBrand in error);
}

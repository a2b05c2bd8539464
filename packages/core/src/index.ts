/**
 * `@sluice/core`: the error every sluice package throws on purpose (`SluiceError`: a stable `code`, an
 * HTTP status, a static factory per case) and its HTTP shape, shared by all packages.
 *
 * @example
 * ```ts
 * import { NotFoundError, isSluiceError } from '@sluice/core';
 * throw NotFoundError.resource('Person', 7); // 404 {"error":{"code":"NOT_FOUND","message":"Person 7 not found"}}
 * ```
 * @packageDocumentation
 */
export { ageInMs } from './age.ts';
export {
  AccessError,
  type CommonErrorCode,
  ConfigError,
  ConflictError,
  commonErrorCodes,
  InternalError,
  NotFoundError,
  RequestError,
  ValidationError,
  type ValidationIssue,
} from './common-errors.ts';
export { defineErrorCatalog, type ErrorCatalog, type ErrorCodeEntry } from './error-catalog.ts';
export { SignedTokens } from './signed-token.ts';
export { type ErrorResponseBody, errorResponseBody, isSluiceError, SluiceError, type SluiceErrorOptions } from './sluice-error.ts';

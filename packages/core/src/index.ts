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

import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  ConflictError,
  InternalError,
  isSluiceError,
  NotFoundError,
  RequestError,
  type SluiceError,
  ValidationError,
  type ValidationIssue,
} from '@sluice/core';
import type { FastifyError, FastifyInstance } from 'fastify';

function validationIssues(error: FastifyError): ValidationIssue[] {
  const context = error.validationContext ?? 'request';
  return (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return { path: path ? `${context}.${path}` : context, message: issue.message ?? 'is invalid' };
  });
}

/** Maps what Fastify, zod and MikroORM throw onto documented codes; `null` for the unexpected. */
function toSluiceError(error: FastifyError): SluiceError | null {
  if (isSluiceError(error)) return error;
  if (error.validation) return ValidationError.fromIssues(validationIssues(error));
  if (error instanceof UniqueConstraintViolationException) return ConflictError.uniqueValue('a unique field');
  if (error instanceof ForeignKeyConstraintViolationException) return ConflictError.referenced('The record');
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ValidationError.field('body', 'is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ValidationError.field('body', 'is empty but the content type is JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return RequestError.payloadTooLarge(error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return RequestError.unsupportedMediaType(error.message);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return ValidationError.field('request', error.message);
  return null;
}

/**
 * Answers every error as `{"error":{"code","message","details"?}}` with a documented code.
 * Unexpected errors become `INTERNAL_ERROR` with a generic message; the cause is logged, not sent.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    const error = NotFoundError.route(request.method, request.url.split('?')[0] ?? request.url);
    return reply.code(error.statusCode).send(error.toResponseBody());
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let answer = toSluiceError(error);
    if (!answer) {
      request.log.error({ err: error }, 'unhandled error');
      answer = InternalError.unexpected(error);
    }
    return reply.code(answer.statusCode).send(answer.toResponseBody());
  });
}

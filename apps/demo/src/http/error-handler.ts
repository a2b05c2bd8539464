import type { Socket } from 'node:net';
import { DeadlockException, ForeignKeyConstraintViolationException, LockWaitTimeoutException, UniqueConstraintViolationException } from '@mikro-orm/core';
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
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';

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
  // A transaction the database gave up on for a concurrent one: MikroORM files PostgreSQL's serialization
  // failures under deadlocks, and leaves its lock_timeout (55P03) unconverted.
  if (error instanceof DeadlockException || error instanceof LockWaitTimeoutException || (error as { code?: string }).code === '55P03')
    return ConflictError.concurrentWrite();
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
    // Every 429 says when to come back, in the header clients and proxies read as well as in the body.
    const retryAfter = (answer.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (answer.statusCode === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return reply.code(answer.statusCode).send(answer.toResponseBody());
  });
}

/**
 * Errors Fastify and Node answer before any route or error handler runs (a malformed URL, a path
 * segment too long, headers too large, a broken request): the same JSON shape with a documented code.
 * Constructor options of Fastify, hence separate from {@link registerErrorHandling}.
 */
export const frameworkErrorOptions: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> = {
  frameworkErrors: (error, _request, reply) => {
    const answer = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? RequestError.uriTooLong() : RequestError.malformed('The URL is not validly encoded');
    return (reply as FastifyReply).code(answer.statusCode).send(answer.toResponseBody());
  },
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const answer =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? RequestError.headersTooLarge()
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? RequestError.timeout()
          : RequestError.malformed('The request is not well-formed HTTP');
    const body = JSON.stringify(answer.toResponseBody());
    if (socket.writable)
      socket.write(
        `HTTP/1.1 ${answer.statusCode} Error\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
      );
    socket.destroy(error);
  },
};

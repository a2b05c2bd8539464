import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { ConflictError, InternalError, NotFoundError, RequestError, ValidationError, type ValidationIssue } from '../common-errors.ts';
import { isSluiceError, type SluiceError } from '../sluice-error.ts';

function validationIssues(error: FastifyError): ValidationIssue[] {
  const context = error.validationContext ?? 'request';
  return (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return { path: path ? `${context}.${path}` : context, message: issue.message ?? 'is invalid' };
  });
}

/**
 * MikroORM's exceptions by name (a runtime import would make MikroORM a dependency of every app using
 * these plugins): a transaction the database gave up on for a concurrent one, and constraint failures.
 * MikroORM files PostgreSQL's serialization failures under deadlocks and leaves its lock_timeout
 * (55P03) unconverted.
 */
function ormError(error: FastifyError): SluiceError | null {
  switch (error.name) {
    case 'UniqueConstraintViolationException':
      return ConflictError.uniqueValue('a unique field');
    case 'ForeignKeyConstraintViolationException':
      return ConflictError.referenced('The record');
    case 'DeadlockException':
    case 'LockWaitTimeoutException':
      return ConflictError.concurrentWrite();
  }
  return (error as { code?: string }).code === '55P03' ? ConflictError.concurrentWrite() : null;
}

/** Maps what Fastify, zod and MikroORM throw onto documented codes; `null` for the unexpected. */
function toSluiceError(error: FastifyError): SluiceError | null {
  if (isSluiceError(error)) return error;
  if (error.validation) return ValidationError.fromIssues(validationIssues(error));
  const orm = ormError(error);
  if (orm) return orm;
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
 * Answers every error of `app` (and the plugins it registers) as `{"error":{"code","message","details"?}}`
 * with a documented code. Unexpected errors become `INTERNAL_ERROR` with a generic message; the cause is
 * logged, not sent. sluice's route plugins call it in their own scope, so they answer this way in any app.
 *
 * @example
 * ```ts
 * const app = Fastify({ ...frameworkErrorOptions });
 * registerSluiceErrors(app, { notFound: true });
 * ```
 */
export function registerSluiceErrors(app: FastifyInstance, options: { notFound?: boolean } = {}): void {
  if (options.notFound)
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
 * Constructor options of Fastify, hence separate from {@link registerSluiceErrors}.
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

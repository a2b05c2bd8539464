/**
 * `@sluice/core/fastify`: what sluice's route plugins share (the error handler, the schemas of ids,
 * error bodies, files and event streams), apart so apps without Fastify never load it.
 *
 * @example
 * ```ts
 * const app = Fastify({ ...frameworkErrorOptions });
 * registerSluiceErrors(app, { notFound: true });
 * ```
 * @packageDocumentation
 */
export { frameworkErrorOptions, registerSluiceErrors } from './fastify/error-handling.ts';
export { attachment, documentedOnly, errorBody, eventStreamResponse, fileResponse, idParam, int32Max, plainJson } from './fastify/http-schemas.ts';
export { sluiceRouteScope } from './fastify/route-scope.ts';

export { frameworkErrorOptions, registerSluiceErrors } from './fastify/error-handling.ts';
export { attachment, documentedOnly, errorBody, eventStreamResponse, fileResponse, idParam, int32Max, plainJson } from './fastify/http-schemas.ts';
export { sluiceRouteScope } from './fastify/route-scope.ts';

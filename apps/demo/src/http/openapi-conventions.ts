import { errorBody } from '@sluice/core/fastify';
import type { RouteOptions } from 'fastify';

/** `GET /api/export-tasks/:id/download` -> `getExportTasksByIdDownload`: unique, stable, from the route itself. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, '')
    .split('/')
    .flatMap((segment) => (segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[-_]/)));
  return [method.toLowerCase(), ...words.map((word) => word.charAt(0).toUpperCase() + word.slice(1))].join('');
}

/**
 * Completes each API route's OpenAPI description where it would otherwise repeat itself: an
 * operationId, no security on public routes, and the error answers every protected route can give
 * (401 without a session; 400 with input to validate; 404 for a route naming a resource).
 */
export function documentRoute(route: RouteOptions): void {
  if (!route.url.startsWith('/api/')) return;
  const method = Array.isArray(route.method) ? (route.method[0] as string) : route.method;
  route.schema ??= {};
  const schema = route.schema as Record<string, unknown> & { response?: Record<string, unknown> };
  schema.operationId ??= operationIdOf(method, route.url);
  schema.response ??= {};
  const response = schema.response;
  if (route.config && (route.config as { public?: boolean }).public) schema.security = [];
  else response[401] ??= errorBody;
  if (schema.body || schema.querystring || schema.params) response[400] ??= errorBody;
  if (route.url.includes(':')) response[404] ??= errorBody;
}

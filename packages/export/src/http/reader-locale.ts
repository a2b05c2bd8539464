import type { FastifyRequest } from 'fastify';
import type { ExportRegistry } from '../pipeline/export-registry.ts';

/**
 * A request body with its reader's language: the body's own `locale`, else the best match of the
 * caller's `Accept-Language` among the registry's locales. Tasks store it, so a worker writes the file
 * in the language of whoever asked, hours later.
 */
export function withReaderLocale(registry: ExportRegistry, body: unknown, request: FastifyRequest): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || 'locale' in body) return body;
  return { ...body, locale: registry.localeFor(request.headers['accept-language']) };
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { NotFoundError } from '@sluice/core';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** Where `npm run build -w @sluice/web` writes the UI. */
export const webUiDirectory = join(import.meta.dirname, '../../../web/dist');

/** Whether the web UI has been built (the server serves it only then). */
export function webUiBuilt(directory = webUiDirectory): boolean {
  return existsSync(join(directory, 'index.html'));
}

/** Hashed file names change with their content, so they may be cached for good. */
const immutable = 'public, max-age=31536000, immutable';

/**
 * Serves the built single-page app at `/`: precompressed `.br`/`.gz` files when the client takes them,
 * hashed assets cached for a year, `index.html` never cached, so a deploy shows at the next load. Paths
 * outside `/api` and `/docs` that name no file are client-side routes and get `index.html`; `/api` 404s
 * keep their JSON error shape.
 */
async function webUi(app: FastifyInstance, options: { directory: string }): Promise<void> {
  await app.register(fastifyStatic, {
    root: options.directory,
    preCompressed: true,
    // Files are listed once at start-up; a rebuild needs a restart (index.html names the new hashes).
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes('/assets/') ? immutable : 'no-cache');
    },
  });
  // The catch-all route loses to every real route; it answers client-side routes with index.html.
  app.get('/*', { schema: { hide: true }, config: { public: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') || path.startsWith('/docs') || path.includes('.')) throw NotFoundError.route(request.method, path);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}

export const webUiPlugin = fastifyPlugin(webUi, { name: 'sluice-demo-web-ui' });

import type { EntityManager } from '@mikro-orm/sql';
import { AccessError } from '@sluice/core';
import { errorBody, plainJson, sluiceRouteScope } from '@sluice/core/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  pullRequestSchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  summaryResponseSchema,
  watermelonPullResponseSchema,
  watermelonPushSchema,
  watermelonQuerySchema,
} from '../protocol-schema.ts';
import type { SyncSubject } from '../sync-mapping.ts';
import type { SyncServer } from '../sync-server.ts';
import { WatermelonSync } from '../watermelon.ts';

/** Options of {@link syncRoutes}. */
export interface SyncRoutesOptions {
  /** The sync server, initialised (`init(em)`). */
  sync: SyncServer;
  /** The EntityManager this request works in (a fork per request). */
  em(request: FastifyRequest): EntityManager;
  /** Who syncs and which scopes (and mappings) they may; null answers 403. */
  subject(request: FastifyRequest): SyncSubject | null | Promise<SyncSubject | null>;
}

/**
 * The sync protocol for offline clients (summary, pull, push) and its WatermelonDB dialect, which
 * WatermelonDB's own `pullChanges`/`pushChanges` code talks to as its sync guide writes it. Register it
 * under a prefix.
 *
 * @example
 * ```ts
 * await app.register(syncRoutes, {
 *   prefix: '/api/sync',
 *   sync,
 *   em: (request) => orm.em.fork(),
 *   subject: (request) => ({ id: String(request.user.id), scopes: request.user.centerIds.map(String) }),
 * });
 * ```
 */
export async function syncRoutes(app: FastifyInstance, options: SyncRoutesOptions): Promise<void> {
  const routes = sluiceRouteScope(app);
  const { sync } = options;
  const watermelon = new WatermelonSync(sync);
  const tags = ['sync'];
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody };
  const subject = async (request: FastifyRequest) => {
    const found = await options.subject(request);
    if (!found) throw AccessError.forbidden('sync');
    return found;
  };

  routes.get(
    '/summary',
    { schema: { tags, summary: 'Mappings you may sync, with checkpoints and watermark lag', response: { 200: summaryResponseSchema, ...errors } } },
    async (request) => sync.summary(options.em(request), await subject(request)),
  );

  routes.post(
    '/pull',
    {
      ...plainJson,
      schema: {
        tags,
        summary: 'Changes since your checkpoints, one page per mapping',
        body: pullRequestSchema,
        response: { 200: pullResponseSchema, ...errors },
      },
    },
    async (request) => sync.pull(options.em(request), await subject(request), request.body),
  );

  routes.post(
    '/push',
    {
      schema: {
        tags,
        summary: 'Apply created, updated and deleted rows in one transaction',
        body: pushRequestSchema,
        response: { 200: pushResponseSchema, ...errors, 409: errorBody },
      },
    },
    async (request) => sync.push(options.em(request), await subject(request), request.body),
  );

  routes.get(
    '/watermelon',
    {
      ...plainJson,
      schema: { tags, summary: "WatermelonDB's pullChanges", querystring: watermelonQuerySchema, response: { 200: watermelonPullResponseSchema, ...errors } },
    },
    async (request) => watermelon.pull(options.em(request), await subject(request), request.query.last_pulled_at || null),
  );

  routes.post(
    '/watermelon',
    {
      schema: {
        tags,
        summary: "WatermelonDB's pushChanges",
        querystring: watermelonQuerySchema.required({ last_pulled_at: true }),
        body: watermelonPushSchema,
        response: { 200: z.object({ experimentalRejectedIds: z.record(z.string(), z.array(z.string())).optional() }), ...errors, 409: errorBody },
      },
    },
    async (request) =>
      watermelon.push(options.em(request), await subject(request), request.query.last_pulled_at, request.body.changes, request.query.client_id),
  );
}

import { AccessError } from '@sluice/core';
import {
  pullRequestSchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  type SyncServer,
  type SyncSubject,
  summaryResponseSchema,
  WatermelonSync,
  watermelonPullResponseSchema,
  watermelonPushSchema,
  watermelonQuerySchema,
} from '@sluice/sync';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../auth/current-user.ts';
import { errorBody } from '../schemas.ts';

/** The caller as a sync subject: `SYNC` (or `ADMIN`) role, rows of their centers. */
function syncSubject(request: FastifyRequest): SyncSubject {
  if (!hasRole(request.user, 'SYNC')) throw AccessError.forbidden('sync');
  return { id: String(request.user.id), scopes: request.user.centerIds.map(String) };
}

const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

/**
 * Pull answers are built by the sync server, not from user input, and carry thousands of rows:
 * they are serialised as they are instead of being parsed by their zod schema again (which took
 * ~40% of a pull's time). The schema still documents them in OpenAPI.
 */
const plainJson = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };

/** `/api/sync`: the sync protocol for offline clients, and its WatermelonDB dialect. */
export async function syncRoutes(app: FastifyInstance, options: { sync: SyncServer }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { sync } = options;
  const watermelon = new WatermelonSync(sync);
  const tags = ['sync'];

  routes.get(
    '/api/sync/summary',
    { schema: { tags, summary: 'Mappings you may sync, with checkpoints and watermark lag', response: { 200: summaryResponseSchema, ...errors } } },
    (request) => sync.summary(request.em, syncSubject(request)),
  );

  routes.post(
    '/api/sync/pull',
    {
      schema: {
        tags,
        summary: 'Changes since your checkpoints, one page per mapping',
        body: pullRequestSchema,
        response: { 200: pullResponseSchema, ...errors },
      },
    },
    (request) => sync.pull(request.em, syncSubject(request), request.body),
  );

  routes.post(
    '/api/sync/push',
    {
      schema: {
        tags,
        summary: 'Apply created, updated and deleted rows in one transaction',
        body: pushRequestSchema,
        response: { 200: pushResponseSchema, ...errors, 409: errorBody },
      },
    },
    (request) => sync.push(request.em, syncSubject(request), request.body),
  );

  routes.get(
    '/api/sync/watermelon',
    {
      ...plainJson,
      schema: { tags, summary: "WatermelonDB's pullChanges", querystring: watermelonQuerySchema, response: { 200: watermelonPullResponseSchema, ...errors } },
    },
    (request) => watermelon.pull(request.em, syncSubject(request), request.query.last_pulled_at || null),
  );

  routes.post(
    '/api/sync/watermelon',
    {
      schema: {
        tags,
        summary: "WatermelonDB's pushChanges",
        querystring: watermelonQuerySchema.required({ last_pulled_at: true }),
        body: watermelonPushSchema,
        response: { 200: z.object({ experimentalRejectedIds: z.record(z.string(), z.array(z.string())).optional() }), ...errors, 409: errorBody },
      },
    },
    (request) => watermelon.push(request.em, syncSubject(request), request.query.last_pulled_at, request.body.changes, request.query.client_id),
  );
}

import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/sql';
import { AccessError } from '@sluice/core';
import { errorBody, eventStreamResponse, plainJson, sluiceRouteScope } from '@sluice/core/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  pullRequestSchemaFor,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  scopeListSchema,
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
  /** How often the live stream sends a comment line while nothing changes, so proxies keep it open (default 15 s). */
  heartbeatMs?: number;
}

const streamQuery = z.strictObject({
  /** Mappings to hear of, comma-separated (default: every one the subject may sync). */
  mappings: z
    .string()
    .max(1_000)
    .regex(/^[\w,-]+$/, 'mapping names, comma-separated')
    .transform((names) => names.split(',').filter(Boolean))
    .optional(),
  /** Partial sync: poke only for changes in these of your scopes, comma-separated. */
  scopes: scopeListSchema.optional(),
  /** The last `poke` or `ready` id received, when `Last-Event-ID` cannot be sent (a fetch-based reader may). */
  since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
const lastEventId = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

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
  // Open live streams end when the server closes (SIGTERM): they never go idle, so the server would
  // wait for them forever; their clients reconnect, to another instance, with Last-Event-ID.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
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

  routes.get(
    '/stream',
    {
      schema: {
        tags,
        summary: 'Live: server-sent `poke` events whenever changes you may sync pass the watermark; pull then',
        description:
          'Opens with `ready` (id: the watermark); each `poke` (id: the new watermark) names the mappings that changed. ' +
          'Reconnect with `Last-Event-ID` (or `since`) and changes committed while away poke at once. A comment line keeps idle streams open.',
        querystring: streamQuery,
        response: { 200: eventStreamResponse('`ready`, then a `poke` per change that passes the watermark'), ...errors },
      },
    },
    async (request, reply) => {
      const who = await subject(request);
      const header = lastEventId.safeParse(request.headers['last-event-id']);
      const since = request.query.since ?? (header.success ? header.data : null);
      const mappings = request.query.mappings?.map((name) => sync.mapping(who, name).name);
      const { scopes } = request.query;
      await streamPokes(request, reply, options.heartbeatMs ?? 15_000, (poke) => sync.listen(who, { mappings, since, scopes }, poke));
      streams.add(reply.raw);
      reply.raw.once('close', () => streams.delete(reply.raw));
    },
  );

  routes.post(
    '/pull',
    {
      ...plainJson,
      schema: {
        tags,
        summary: 'Changes since your checkpoints, one page per mapping',
        body: pullRequestSchemaFor(sync.declaredMappings),
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
    async (request, reply) => {
      const { last_pulled_at: lastPulledAt, schema_version: schemaVersion = 1, migration = null, scopes, parameters, subset: held = null } = request.query;
      const json = await watermelon.pullJson(options.em(request), await subject(request), {
        lastPulledAt: lastPulledAt || null,
        schemaVersion,
        migration,
        subset: { scopes, parameters },
        held,
      });
      // Streamed as it is read: a first sync of any size holds one page in memory, not the whole answer
      // (Readable.from would read 16 pages ahead of a slow client). A stream is sent as is, never serialised.
      return reply.type('application/json').send(Readable.from(json, { highWaterMark: 1 }) as never);
    },
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

type Listen = (poke: (watermark: number, mappings: string[]) => void) => Promise<{ watermark: number; stop: () => void }>;

/** An SSE stream of pokes, kept open with comment lines, closed (and its listener stopped) when the client goes. */
async function streamPokes(request: FastifyRequest, reply: FastifyReply, heartbeatMs: number, listen: Listen): Promise<void> {
  const raw = reply.raw;
  const send = (event: string, watermark: number, data: object) => raw.write(`event: ${event}\nid: ${watermark}\ndata: ${JSON.stringify(data)}\n\n`);
  const pending: [number, string[]][] = [];
  let opened = false;
  // Pokes that come while the stream is being opened are sent right after `ready`.
  const { watermark, stop } = await listen((at, mappings) => (opened ? send('poke', at, { watermark: at, mappings }) : pending.push([at, mappings])));
  reply.hijack();
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  send('ready', watermark, { watermark });
  for (const [at, mappings] of pending) send('poke', at, { watermark: at, mappings });
  opened = true;
  const heartbeat = setInterval(() => raw.write(': ping\n\n'), heartbeatMs);
  request.raw.once('close', () => {
    clearInterval(heartbeat);
    stop();
  });
}

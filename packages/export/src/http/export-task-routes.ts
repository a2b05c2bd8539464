import { attachment, documentedOnly, errorBody, eventStreamResponse, fileResponse, idParam, sluiceRouteScope } from '@sluice/core/fastify';
import { pageResponseSchema, pagerQuerySchema, toPager } from '@sluice/pagination';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { deliveriesSchema } from '../delivery/delivery-request.ts';
import type { ExportUser } from '../elements/export-context.ts';
import type { ExportRegistry } from '../pipeline/export-registry.ts';
import type { ExportTask } from '../tasks/export-task-entity.ts';
import { isLiveStatus } from '../tasks/export-task-entity.ts';
import type { ExportTaskService } from '../tasks/export-task-service.ts';
import { type ExportTaskView, exportTaskViewSchema } from '../tasks/export-task-view.ts';
import { callerOf, type ExportHttpOptions } from './http-caller.ts';
import { withReaderLocale } from './reader-locale.ts';

/** Options of {@link exportTaskRoutes}. */
export interface ExportTaskRoutesOptions extends ExportHttpOptions {
  service: ExportTaskService;
  /** Documents each export's parameters in OpenAPI (the service validates with its own). */
  registry: ExportRegistry;
  /** Signs the cursors of the task list's pages. */
  cursorSecret: string;
  /** How often a task's event stream looks at it (default 500 ms). */
  eventPollMs?: number;
}

const idParams = z.object({ id: idParam });
/** Proxies close streams that stay silent; a comment line every so often keeps them open. */
const keepAliveMs = 15_000;

/**
 * Large exports as background tasks: create, list (mine, newest first), get, follow (server-sent
 * events until the task ends), download, cancel, retry. A task is visible to its owner and to admins
 * only; anyone else gets 404, exactly as for a task that does not exist. Register it under a prefix.
 *
 * @example
 * ```ts
 * await app.register(exportTaskRoutes, {
 *   prefix: '/api/export-tasks',
 *   service: new ExportTaskService(taskConfig),
 *   registry,
 *   cursorSecret,
 *   user: (request) => toExportUser(request.user),
 *   em: (request) => orm.em.fork(),
 * });
 * ```
 */
export async function exportTaskRoutes(app: FastifyInstance, options: ExportTaskRoutesOptions): Promise<void> {
  const { service } = options;
  const routes = sluiceRouteScope(app);
  const tags = ['export tasks'];
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 410: errorBody, 429: errorBody };
  // In the reader's language (Accept-Language), as the rest of the export routes answer.
  const viewOf = async (task: ExportTask, user: ExportUser, request: FastifyRequest) =>
    (await service.views([task], user, request.headers['accept-language']))[0] as ExportTaskView;
  const view = async (request: FastifyRequest, id: number) => {
    const user = await callerOf(options, request);
    return viewOf(await service.get(id, user), user, request);
  };

  routes.post(
    '',
    {
      ...documentedOnly,
      schema: {
        tags,
        summary: 'Queue an export request as a background task',
        body: options.registry.requestSchema({ remark: z.string().max(500).nullable().optional(), deliveries: deliveriesSchema.optional() }),
        response: { 202: exportTaskViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      // Not validated here (documentedOnly): anything but an object goes to the registry as it is.
      const body: unknown = request.body;
      const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
      const { remark = null, deliveries, ...exportRequest } = isObject ? (body as Record<string, unknown>) : {};
      const user = await callerOf(options, request);
      const task = await service.create(withReaderLocale(options.registry, isObject ? exportRequest : body, request), user, {
        remark: remark as string | null,
        deliveries,
      });
      return reply
        .code(202)
        .header('location', `${app.prefix}/${task.id}`)
        .send(await viewOf(task, user, request));
    },
  );

  routes.get(
    '',
    {
      schema: {
        summary: 'Your export tasks, newest first, paginated',
        tags,
        querystring: pagerQuerySchema(),
        response: { 200: pageResponseSchema(exportTaskViewSchema), 400: errorBody, 401: errorBody },
      },
    },
    async (request) => {
      const user = await callerOf(options, request);
      const pager = toPager(request.query);
      // Newest first unless the caller orders otherwise.
      pager.orderBy ??= [{ name: 'createdAt', direction: 'desc' }];
      const page = await service.listQuery(user, { cursorSecret: options.cursorSecret }).paginate(pager);
      return { ...page, items: await service.views(page.items, user, request.headers['accept-language']) };
    },
  );

  routes.get(
    '/:id',
    { schema: { summary: 'One export task: status, progress, file, error', tags, params: idParams, response: { 200: exportTaskViewSchema, ...errors } } },
    (request) => view(request, request.params.id),
  );

  routes.get(
    '/:id/events',
    {
      schema: {
        summary: 'Server-sent progress events of a task until it ends',
        tags,
        params: idParams,
        response: { 200: eventStreamResponse('`progress` events with the task on every change, then one `end` event; the stream closes after it'), ...errors },
      },
    },
    async (request, reply) =>
      streamEvents(request, reply, await view(request, request.params.id), () => view(request, request.params.id), options.eventPollMs ?? 500),
  );

  routes.get(
    '/:id/download',
    { schema: { summary: 'Download the file of a succeeded task', tags, params: idParams, response: { 200: fileResponse, ...errors } } },
    async (request, reply) => {
      const file = await service.file(request.params.id, await callerOf(options, request));
      return reply
        .header('content-type', file.contentType)
        .header('content-length', String(file.size))
        .header('content-disposition', attachment(file.fileName))
        .send(file.stream as never); // a stream is sent as is, never serialised
    },
  );

  routes.post(
    '/:id/cancel',
    { schema: { summary: 'Cancel a queued or running task', tags, params: idParams, response: { 200: exportTaskViewSchema, ...errors } } },
    async (request) => {
      const user = await callerOf(options, request);
      return viewOf(await service.cancel(request.params.id, user), user, request);
    },
  );

  routes.post(
    '/:id/retry',
    { schema: { summary: 'Queue a failed or cancelled task again', tags, params: idParams, response: { 202: exportTaskViewSchema, ...errors } } },
    async (request, reply) => {
      const user = await callerOf(options, request);
      return reply.code(202).send(await viewOf(await service.retry(request.params.id, user), user, request));
    },
  );

  routes.post(
    '/:id/rerun',
    {
      schema: {
        summary: 'Queue a new task of the same request (and saved export) as this one, for me',
        tags,
        params: idParams,
        response: { 202: exportTaskViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = await callerOf(options, request);
      const task = await service.rerun(request.params.id, user);
      return reply
        .code(202)
        .header('location', `${app.prefix}/${task.id}`)
        .send(service.view(task, user, { locale: request.headers['accept-language'] }));
    },
  );
}

/** `progress` on every change of the task, a keep-alive comment while nothing changes, `end` once it is over. */
async function streamEvents(request: FastifyRequest, reply: FastifyReply, first: ExportTaskView, next: () => Promise<ExportTaskView>, pollMs: number) {
  let view = first;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let open = true;
  request.raw.on('close', () => {
    open = false;
  });
  const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  let last = '';
  let sinceWrite = 0;
  while (open) {
    const snapshot = JSON.stringify([view.status, view.processedCount, view.totalCount, view.cancelRequested, view.attempts]);
    if (snapshot !== last) {
      send('progress', view);
      last = snapshot;
      sinceWrite = 0;
    } else {
      sinceWrite += pollMs;
      if (sinceWrite >= keepAliveMs) {
        raw.write(': keep-alive\n\n');
        sinceWrite = 0;
      }
    }
    if (!isLiveStatus(view.status)) {
      send('end', view);
      break;
    }
    await new Promise((wake) => setTimeout(wake, pollMs));
    try {
      view = await next();
    } catch (error) {
      send('error', { message: error instanceof Error ? error.message : 'task unavailable' });
      break;
    }
  }
  raw.end();
}

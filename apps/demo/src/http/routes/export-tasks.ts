import { type ExportTask, type ExportTaskService, type ExportTaskView, exportRequestSchema, exportTaskViewSchema, isLiveStatus } from '@sluice/export';
import { pageResponseSchema, pagerQuerySchema, toPager } from '@sluice/pagination';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportUser } from '../../exports/export-user.ts';
import { documentedOnly, errorBody, eventStreamResponse, fileResponse, idParam } from '../schemas.ts';

/** What the export-task routes need. */
export interface ExportTaskRouteOptions {
  service: ExportTaskService;
  cursorSecret: string;
  /** How often the events stream looks at the task (default 500 ms). */
  eventPollMs?: number;
}

const idParams = z.object({ id: idParam });

/** `Content-Disposition` for a generated name: plain ASCII, plus the RFC 5987 form. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\w.-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * `/api/export-tasks`: large exports as background tasks. A task is visible to its owner and to
 * admins only; anyone else gets 404, exactly as for a task that does not exist.
 */
export async function exportTaskRoutes(app: FastifyInstance, options: ExportTaskRouteOptions): Promise<void> {
  const { service } = options;
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['export tasks'];
  const errors = { 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 410: errorBody, 429: errorBody };

  routes.post(
    '/api/export-tasks',
    {
      ...documentedOnly,
      schema: {
        tags,
        summary: 'Queue an export request as a background task',
        body: exportRequestSchema.extend({ remark: z.string().max(500).nullable().optional() }),
        response: { 202: exportTaskViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      // Not validated here (documentedOnly): anything but an object goes to the registry as it is.
      const body: unknown = request.body;
      const { remark = null, ...exportRequest } = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      const user = exportUser(request.user);
      const task = await service.create(typeof body === 'object' && body !== null && !Array.isArray(body) ? exportRequest : body, user, {
        remark: remark as string | null,
      });
      return reply.code(202).header('location', `/api/export-tasks/${task.id}`).send(service.view(task, user));
    },
  );

  routes.get(
    '/api/export-tasks',
    {
      schema: {
        summary: 'Your export tasks, newest first, paginated',
        tags,
        querystring: pagerQuerySchema(),
        response: { 200: pageResponseSchema(exportTaskViewSchema), 400: errorBody },
      },
    },
    async (request) => {
      const user = exportUser(request.user);
      const pager = toPager(request.query);
      // Newest first unless the caller orders otherwise.
      pager.orderBy ??= [{ name: 'createdAt', direction: 'desc' }];
      const page = await service.listQuery(user, { cursorSecret: options.cursorSecret }).paginate(pager);
      return { ...page, items: page.items.map((task: ExportTask) => service.view(task, user)) };
    },
  );

  routes.get(
    '/api/export-tasks/:id',
    { schema: { summary: 'One export task: status, progress, file, error', tags, params: idParams, response: { 200: exportTaskViewSchema, ...errors } } },
    async (request) => {
      const user = exportUser(request.user);
      return service.view(await service.get(request.params.id, user), user);
    },
  );

  routes.get(
    '/api/export-tasks/:id/events',
    { schema: { summary: 'Server-sent progress events of a task until it ends', tags, params: idParams, response: { 200: eventStreamResponse, ...errors } } },
    async (request, reply) => {
      const user = exportUser(request.user);
      let view: ExportTaskView = service.view(await service.get(request.params.id, user), user);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let open = true;
      request.raw.on('close', () => {
        open = false;
      });
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let last = '';
      let sinceWrite = 0;
      const pollMs = options.eventPollMs ?? 500;
      while (open) {
        const snapshot = JSON.stringify([view.status, view.processedCount, view.totalCount, view.cancelRequested, view.attempts]);
        if (snapshot !== last) {
          send('progress', view);
          last = snapshot;
          sinceWrite = 0;
        } else {
          sinceWrite += pollMs;
          if (sinceWrite >= 15_000) {
            raw.write(': keep-alive\n\n'); // proxies close silent streams
            sinceWrite = 0;
          }
        }
        if (!isLiveStatus(view.status)) {
          send('end', view);
          break;
        }
        await new Promise((wake) => setTimeout(wake, pollMs));
        try {
          view = service.view(await service.get(request.params.id, user), user);
        } catch (error) {
          send('error', { message: error instanceof Error ? error.message : 'task unavailable' });
          break;
        }
      }
      raw.end();
    },
  );

  routes.get(
    '/api/export-tasks/:id/download',
    { schema: { summary: 'Download the file of a succeeded task', tags, params: idParams, response: { 200: fileResponse, ...errors } } },
    async (request, reply) => {
      const file = await service.file(request.params.id, exportUser(request.user));
      return reply
        .header('content-type', file.contentType)
        .header('content-length', String(file.size))
        .header('content-disposition', attachment(file.fileName))
        .send(file.stream as never); // a stream is sent as is, never serialised
    },
  );

  routes.post(
    '/api/export-tasks/:id/cancel',
    { schema: { summary: 'Cancel a queued or running task', tags, params: idParams, response: { 200: exportTaskViewSchema, ...errors } } },
    async (request) => {
      const user = exportUser(request.user);
      return service.view(await service.cancel(request.params.id, user), user);
    },
  );

  routes.post(
    '/api/export-tasks/:id/retry',
    { schema: { summary: 'Queue a failed or cancelled task again', tags, params: idParams, response: { 202: exportTaskViewSchema, ...errors } } },
    async (request, reply) => {
      const user = exportUser(request.user);
      return reply.code(202).send(service.view(await service.retry(request.params.id, user), user));
    },
  );
}

import { ValidationError } from '@sluice/core';
import { documentedOnly, errorBody, idParam, sluiceRouteScope } from '@sluice/core/fastify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ExportRegistry } from '../pipeline/export-registry.ts';
import { savedExportInputSchema, savedExportUpdateSchema } from '../saved/saved-export-input.ts';
import type { SavedExportService } from '../saved/saved-export-service.ts';
import { savedExportView, savedExportViewSchema } from '../saved/saved-export-view.ts';
import { exportTaskViewSchema } from '../tasks/export-task-view.ts';
import { callerOf, type ExportHttpOptions } from './http-caller.ts';

/** Options of {@link savedExportRoutes}. */
export interface SavedExportRoutesOptions extends ExportHttpOptions {
  service: SavedExportService;
  /** Documents the saved requests in OpenAPI (the service validates them with the registry for the caller). */
  registry: ExportRegistry;
}

const idParams = z.object({ id: idParam });

/** The id of a documentedOnly route, whose params are not validated for it either. */
function idOf(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw ValidationError.field('params.id', 'must be a positive integer id');
  return parsed.data.id;
}

/**
 * Saved exports: list (mine and those shared with me), create, get, update (with `expectedVersion`),
 * delete, duplicate, run (a background task as the caller). One the caller may not see answers 404
 * `SAVED_EXPORT_NOT_FOUND`, exactly as a missing one. Register it under a prefix.
 *
 * @example
 * ```ts
 * await app.register(savedExportRoutes, {
 *   prefix: '/api/saved-exports',
 *   service: new SavedExportService(exportTaskService),
 *   registry,
 *   user: (request) => toExportUser(request.user),
 *   em: (request) => orm.em.fork(),
 * });
 * ```
 */
export async function savedExportRoutes(app: FastifyInstance, options: SavedExportRoutesOptions): Promise<void> {
  const { service } = options;
  const tasks = service.tasks;
  const routes = sluiceRouteScope(app);
  const tags = ['saved exports'];
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
  // Bodies are validated by the service (fields by zod, the request by the registry for the caller): documented here only.
  const request = options.registry.requestSchema();
  const createBody = savedExportInputSchema.extend({ request });
  const updateBody = savedExportUpdateSchema.extend({ request: request.optional() });

  routes.get(
    '',
    { schema: { summary: 'Saved exports I own or that are shared with me, by name', tags, response: { 200: z.array(savedExportViewSchema), 401: errorBody } } },
    async (request) => {
      const user = await callerOf(options, request);
      return (await service.list(user)).map((saved) => savedExportView(saved, user));
    },
  );

  routes.post(
    '',
    {
      ...documentedOnly,
      schema: { summary: 'Save an export request under a name', tags, body: createBody, response: { 201: savedExportViewSchema, ...errors } },
    },
    async (request, reply) => {
      const user = await callerOf(options, request);
      const saved = await service.create(request.body, user);
      return reply.code(201).header('location', `${app.prefix}/${saved.id}`).send(savedExportView(saved, user));
    },
  );

  routes.get(
    '/:id',
    { schema: { summary: 'One saved export', tags, params: idParams, response: { 200: savedExportViewSchema, ...errors } } },
    async (request) => {
      const user = await callerOf(options, request);
      return savedExportView(await service.get(request.params.id, user), user);
    },
  );

  routes.put(
    '/:id',
    {
      ...documentedOnly,
      schema: {
        summary: 'Change a saved export (owner only) if it is still at `expectedVersion`',
        tags,
        params: idParams,
        body: updateBody,
        response: { 200: savedExportViewSchema, ...errors },
      },
    },
    async (request) => {
      const user = await callerOf(options, request);
      return savedExportView(await service.update(idOf(request.params), request.body, user), user);
    },
  );

  routes.delete(
    '/:id',
    { schema: { summary: 'Delete a saved export (owner only)', tags, params: idParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.delete(request.params.id, await callerOf(options, request));
      return reply.code(204).send(null);
    },
  );

  routes.post(
    '/:id/duplicate',
    { schema: { summary: 'Copy a saved export, owned by me', tags, params: idParams, response: { 201: savedExportViewSchema, ...errors } } },
    async (request, reply) => {
      const user = await callerOf(options, request);
      const copy = await service.duplicate(request.params.id, user);
      return reply.code(201).header('location', `${app.prefix}/${copy.id}`).send(savedExportView(copy, user));
    },
  );

  routes.post(
    '/:id/run',
    {
      schema: {
        summary: 'Queue a saved export as a background task, with my own rights',
        tags,
        params: idParams,
        response: { 202: exportTaskViewSchema, ...errors, 429: errorBody },
      },
    },
    async (request, reply) => {
      const user = await callerOf(options, request);
      const task = await service.run(request.params.id, user);
      return reply.code(202).send(tasks.view(task, user, { locale: request.headers['accept-language'] }));
    },
  );
}

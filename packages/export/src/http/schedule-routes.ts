import { errorBody, idParam, sluiceRouteScope } from '@sluice/core/fastify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { scheduleInputSchema } from '../schedules/schedule-input.ts';
import type { ScheduleService } from '../schedules/schedule-service.ts';
import { scheduleRunView, scheduleRunViewSchema, scheduleView, scheduleViewSchema } from '../schedules/schedule-view.ts';
import { callerOf, type ExportHttpOptions } from './http-caller.ts';

/** Options of {@link scheduleRoutes}. */
export interface ScheduleRoutesOptions extends ExportHttpOptions {
  service: ScheduleService;
}

const idParams = z.object({ id: idParam });

/**
 * The schedule of a saved export, for its owner: `GET/PUT/DELETE /:id/schedule` and
 * `GET /:id/schedule/runs`. One the caller may not see answers 404 `SAVED_EXPORT_NOT_FOUND`; one shared
 * with them but not theirs, 403 `SAVED_EXPORT_FORBIDDEN`. Register it under the saved exports' prefix.
 *
 * @example
 * ```ts
 * await app.register(scheduleRoutes, { prefix: '/api/saved-exports', service: new ScheduleService(savedExports), user, em });
 * ```
 */
export async function scheduleRoutes(app: FastifyInstance, options: ScheduleRoutesOptions): Promise<void> {
  const { service } = options;
  const routes = sluiceRouteScope(app);
  const tags = ['saved exports'];
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

  routes.get(
    '/:id/schedule',
    { schema: { summary: 'The schedule of a saved export I own', tags, params: idParams, response: { 200: scheduleViewSchema, ...errors } } },
    async (request) => scheduleView(await service.get(request.params.id, await callerOf(options, request))),
  );

  routes.put(
    '/:id/schedule',
    {
      schema: {
        summary: 'Set (create or replace) the schedule of a saved export I own',
        tags,
        params: idParams,
        body: scheduleInputSchema,
        response: { 200: scheduleViewSchema, ...errors },
      },
    },
    async (request) => scheduleView(await service.set(request.params.id, request.body, await callerOf(options, request))),
  );

  routes.delete(
    '/:id/schedule',
    { schema: { summary: 'Remove the schedule of a saved export I own', tags, params: idParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.delete(request.params.id, await callerOf(options, request));
      return reply.code(204).send(null);
    },
  );

  routes.get(
    '/:id/schedule/runs',
    {
      schema: {
        summary: 'The latest runs of the schedule: one per due time and recipient, with its task or why it was skipped',
        tags,
        params: idParams,
        response: { 200: z.array(scheduleRunViewSchema), ...errors },
      },
    },
    async (request) => (await service.runs(request.params.id, await callerOf(options, request))).map(scheduleRunView),
  );
}

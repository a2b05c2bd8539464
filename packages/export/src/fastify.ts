/**
 * `@sluice/export/fastify`: the export, export-task and saved-export routes, apart so apps without Fastify never load them.
 *
 * @example
 * ```ts
 * await app.register(exportRoutes, { prefix: '/api/exports', registry, user: (request) => request.exportUser, em: () => orm.em.fork() });
 * ```
 * @packageDocumentation
 */
export { type ExportRoutesOptions, exportRoutes } from './http/export-routes.ts';
export { type ExportTaskRoutesOptions, exportTaskRoutes } from './http/export-task-routes.ts';
export type { ExportHttpOptions } from './http/http-caller.ts';
export { type SavedExportRoutesOptions, savedExportRoutes } from './http/saved-export-routes.ts';
export { type ScheduleRoutesOptions, scheduleRoutes } from './http/schedule-routes.ts';

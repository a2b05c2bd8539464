export { type ExportRoutesOptions, exportRoutes } from './http/export-routes.ts';
export { type ExportTaskRoutesOptions, exportTaskRoutes } from './http/export-task-routes.ts';
export type { ExportHttpOptions } from './http/http-caller.ts';

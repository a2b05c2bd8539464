/** `@sluice/sync/fastify`: the HTTP routes, apart so apps without Fastify never load them. */
export { type SyncRoutesOptions, syncRoutes } from './http/sync-routes.ts';

/**
 * `@sluice/sync/fastify`: the sync routes (and WatermelonDB's), apart so apps without Fastify never load them.
 *
 * @example
 * ```ts
 * await app.register(syncRoutes, { prefix: '/api/sync', sync, em: () => orm.em.fork(), subject: (request) => ({ id: request.user.id, scopes: request.user.teams }) });
 * ```
 * @packageDocumentation
 */
export { type SyncRoutesOptions, syncRoutes } from './http/sync-routes.ts';

/**
 * `@sluice/audit/fastify`: the Fastify plugins, apart so apps without Fastify never load them.
 *
 * @example
 * ```ts
 * await app.register(auditContextPlugin);
 * await app.register(historyRoutes, { prefix: '/api/history', reader, em: () => orm.em.fork(), scopes: (request) => request.user.teams });
 * ```
 * @packageDocumentation
 */
export { auditContextPlugin } from './http/audit-context-plugin.ts';
export { type HistoryRoutesOptions, historyRoutes } from './http/history-routes.ts';

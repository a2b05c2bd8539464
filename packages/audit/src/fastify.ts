/** `@sluice/audit/fastify`: the Fastify plugins, apart so apps without Fastify never load them. */
export { auditContextPlugin } from './http/audit-context-plugin.ts';
export { type HistoryRoutesOptions, historyRoutes } from './http/history-routes.ts';

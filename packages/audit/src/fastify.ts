/** `@sluice/audit/fastify`: the Fastify plugin, apart so apps without Fastify never load it. */
export { auditContextPlugin } from './fastify-plugin.ts';

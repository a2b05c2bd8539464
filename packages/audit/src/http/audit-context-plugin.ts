import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { withAuditContext } from '../audit-context.ts';

/**
 * Gives every request its own audit context (correlation id = request id). Authentication then calls
 * `setAuditActor()`; flushes made while handling the request are attributed to that actor.
 */
export const auditContextPlugin = fastifyPlugin(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', (request, _reply, done) => {
      withAuditContext({ correlationId: request.id }, done);
    });
  },
  { name: 'sluice-audit-context' },
);

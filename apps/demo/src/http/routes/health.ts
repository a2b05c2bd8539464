import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** `GET /api/health`: answers once the database does. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    {
      config: { public: true },
      schema: { tags: ['health'], summary: 'Health: answers once the database does', response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async (request) => {
      await request.em.getConnection().execute('select 1');
      return { status: 'ok' as const };
    },
  );
}

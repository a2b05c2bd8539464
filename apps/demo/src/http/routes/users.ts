import { AccessError } from '@sluice/core';
import { errorBody } from '@sluice/core/fastify';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../auth/current-user.ts';
import { AppUser } from '../../db/entities/index.ts';

const userNameDto = z.object({ id: z.number().int(), username: z.string() });

/**
 * `GET /api/users`: who may receive scheduled exports (users holding `EXPORT`, or `ADMIN`), names only,
 * for exporters choosing recipients. Nothing else of a user (address, centers, roles) is shown.
 */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/users',
    {
      schema: {
        tags: ['auth'],
        summary: 'Users who may export (recipients of schedules), names only; for exporters',
        response: { 200: z.array(userNameDto), 401: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      if (!hasRole(request.user, 'EXPORT')) throw AccessError.forbidden('list the recipients of exports');
      const users = await request.em.find(AppUser, {}, { orderBy: { username: 'asc' }, fields: ['id', 'username', 'roles'] });
      return users.filter((user) => user.roles.includes('EXPORT') || user.roles.includes('ADMIN')).map(({ id, username }) => ({ id, username }));
    },
  );
}

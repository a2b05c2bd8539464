import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../auth/current-user.ts';
import { Center, userRoles } from '../../db/entities/index.ts';

const meDto = z.object({
  id: z.number().int(),
  username: z.string(),
  roles: z.array(z.enum(userRoles)),
  /** What the UI may offer: each is true when the user holds the role (`ADMIN` holds all). */
  may: z.object({ export: z.boolean(), history: z.boolean(), sync: z.boolean(), notify: z.boolean() }),
  /** The centers the caller may use, as the screens' scopes. */
  scopes: z.array(z.object({ id: z.number().int(), name: z.string() })),
});

/**
 * `GET /api/me`: the caller, their roles and centers, so a UI offers only what is allowed and works
 * (`notify`: e-mail when a task is ready, when this server has a mail server and the user an address).
 */
export async function meRoutes(app: FastifyInstance, options: { emailDeliveries: boolean }): Promise<void> {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/me', { schema: { tags: ['auth'], summary: 'The logged-in user, their roles and centers', response: { 200: meDto } } }, async (request) => {
      const { user } = request;
      const centers = await request.em.find(Center, { id: { $in: user.centerIds } }, { orderBy: { id: 'asc' } });
      return {
        id: user.id,
        username: user.username,
        roles: user.roles,
        may: {
          export: hasRole(user, 'EXPORT'),
          history: hasRole(user, 'HISTORY'),
          sync: hasRole(user, 'SYNC'),
          notify: options.emailDeliveries && Boolean(user.email),
        },
        scopes: centers.map(({ id, name }) => ({ id, name })),
      };
    });
}

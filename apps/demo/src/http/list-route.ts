import type { EntityManager } from '@mikro-orm/sql';
import { errorBody } from '@sluice/core/fastify';
import { type ConfiguredQuery, pageResponseSchema, pagerQuerySchema, toPager } from '@sluice/pagination';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** Options every resource route plugin receives. */
export interface RouteOptions {
  /** Signs pagination cursors. */
  cursorSecret: string;
}

/** A paginated collection route: the caller's rows of one resource. */
export interface ListRoute<Entity, Dto> {
  url: string;
  tags: string[];
  /** One line for the OpenAPI document. */
  summary: string;
  item: z.ZodType<Dto>;
  /** The configured query of the rows this request may see. */
  query: (request: FastifyRequest) => Pick<ConfiguredQuery<unknown, Entity>, 'paginate'>;
  /** Turns one page of entities into response items (one batch, so relations load once per page). */
  present: (em: EntityManager, items: Entity[]) => Dto[] | Promise<Dto[]>;
}

/**
 * Registers `GET url` taking `limit`, `after`, `before`, `offset`, `orderBy` and `count` (see
 * `@sluice/pagination`'s `pagerQuerySchema`) and answering a page.
 */
export function registerListRoute<Entity, Dto>(app: FastifyInstance, route: ListRoute<Entity, Dto>): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    route.url,
    {
      schema: {
        tags: route.tags,
        summary: route.summary,
        querystring: pagerQuerySchema(),
        response: { 200: pageResponseSchema(route.item), 400: errorBody },
      },
    },
    async (request) => {
      const page = await route.query(request).paginate(toPager(request.query));
      return { ...page, items: await route.present(request.em, page.items) };
    },
  );
}

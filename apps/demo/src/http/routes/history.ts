import { type HistoryEntry, HistoryReader } from '@sluice/audit';
import { AccessError, NotFoundError } from '@sluice/core';
import { pageResponseSchema, pagerQuerySchema, toPager } from '@sluice/pagination';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { demoAudit } from '../../audit/tracked-entities.ts';
import { hasRole } from '../../auth/current-user.ts';
import { Activity, CustomerOrder, Person } from '../../db/entities/index.ts';
import type { RouteOptions } from '../list-route.ts';
import { errorBody } from '../schemas.ts';
import { findInCenters } from '../scoped-find.ts';
import { activityScope } from './activities.ts';
import { orderScope } from './orders.ts';
import { personScope } from './people.ts';

const entityTypes = ['orders', 'people', 'activities'] as const;

/** Where each history type's rows live today, and how they are limited to centers. */
const currentRows = {
  orders: [CustomerOrder, orderScope],
  people: [Person, personScope],
  activities: [Activity, activityScope],
} as const;

const changeView = z.object({ field: z.string(), label: z.string(), old: z.string().nullable(), new: z.string().nullable(), text: z.string() });
const collectionView = z.object({ field: z.string(), label: z.string(), added: z.array(z.string()), removed: z.array(z.string()), text: z.string() });
const entryDto = z.object({
  revision: z.number().int(),
  at: z.string(),
  actor: z.object({ id: z.number().int().nullable(), username: z.string() }).nullable(),
  action: z.enum(['create', 'update', 'delete']),
  changes: z.array(changeView),
  collections: z.array(collectionView),
});
const feedEntryDto = entryDto.extend({ entity: z.enum(entityTypes), entityId: z.string() });

function toEntryDto({ correlationId: _, entity: __, entityId: ___, ...entry }: HistoryEntry): z.infer<typeof entryDto> {
  return entry;
}

/** History is for `ADMIN` and `HISTORY` users; others see nothing (404, like a row of another center). */
function assertHistoryReader(request: FastifyRequest, resource: string): void {
  if (!hasRole(request.user, 'HISTORY')) throw NotFoundError.resource(resource, 'history');
}

/** `/api/history`: readable change history of orders, people and activities of the caller's centers. */
export async function historyRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const reader = new HistoryReader(demoAudit, { cursorSecret: options.cursorSecret });
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['history'];
  const params = z.object({ entity: z.enum(entityTypes), id: z.coerce.number().int().positive() });

  /**
   * Fails with 404 unless the entity's history lies in one of the caller's centers. An entity with no
   * history yet (e.g. seeded in bulk) is visible when the row itself is.
   */
  async function assertVisible(request: FastifyRequest, entity: (typeof entityTypes)[number], id: number): Promise<void> {
    assertHistoryReader(request, entity);
    const scope = await reader.scopeOf(request.em, entity, id);
    if (scope === undefined) {
      const [entityClass, centerScope] = currentRows[entity];
      await findInCenters(request.em, entityClass as never, `History of ${entity}`, id, centerScope as never, request.user.centerIds);
      return;
    }
    if (scope === null || !request.user.centerIds.includes(Number(scope))) throw NotFoundError.resource(`History of ${entity}`, id);
  }

  routes.get(
    '/api/history/:entity/:id',
    {
      schema: {
        summary: 'History of one entity, newest first',
        tags,
        params,
        querystring: pagerQuerySchema(),
        response: { 200: pageResponseSchema(entryDto), 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      await assertVisible(request, request.params.entity, request.params.id);
      const { orderBy: _, ...pager } = toPager(request.query);
      const page = await reader.history(request.em, request.params.entity, request.params.id, pager);
      return { ...page, items: page.items.map(toEntryDto) };
    },
  );

  routes.get(
    '/api/history/:entity/:id/as-of',
    {
      schema: {
        summary: 'The tracked state of an entity at a past time',
        tags,
        params,
        querystring: z.object({ at: z.iso.datetime({ offset: true }) }),
        response: {
          200: z.object({ revision: z.number().int().nullable(), at: z.string().nullable(), state: z.record(z.string(), z.unknown()).nullable() }),
          404: errorBody,
        },
      },
    },
    async (request) => {
      await assertVisible(request, request.params.entity, request.params.id);
      const asOf = await reader.stateAsOf(request.em, request.params.entity, request.params.id, new Date(request.query.at));
      return asOf ?? { revision: null, at: null, state: null };
    },
  );

  routes.get(
    '/api/history',
    {
      schema: {
        summary: 'Changes across entities of your centers, newest first',
        tags,
        querystring: pagerQuerySchema().and(
          z.object({
            entity: z.enum(entityTypes).optional(),
            actorId: z.coerce.number().int().positive().optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
          }),
        ),
        response: { 200: pageResponseSchema(feedEntryDto), 400: errorBody },
      },
    },
    async (request) => {
      if (!hasRole(request.user, 'HISTORY')) throw AccessError.forbidden('read history');
      const { entity, actorId, from, to } = request.query;
      const { orderBy: _, ...pager } = toPager(request.query);
      const page = await reader.feed(
        request.em,
        {
          entityTypes: entity ? [entity] : undefined,
          actorId,
          from: from ? new Date(from) : undefined,
          to: to ? new Date(to) : undefined,
          scopes: request.user.centerIds.map(String),
        },
        pager,
      );
      return { ...page, items: page.items.map(({ correlationId: _, ...entry }) => entry as z.infer<typeof feedEntryDto>) };
    },
  );
}

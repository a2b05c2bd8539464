import type { EntityManager } from '@mikro-orm/sql';
import { AccessError, NotFoundError } from '@sluice/core';
import { errorBody, sluiceRouteScope } from '@sluice/core/fastify';
import { pageResponseSchema, pagerQuerySchema, toPager } from '@sluice/pagination';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HistoryReader } from '../history-reader.ts';
import { historyEntrySchema, stateAsOfSchema } from '../history-view.ts';

/** Options of {@link historyRoutes}. */
export interface HistoryRoutesOptions {
  reader: HistoryReader;
  /** The EntityManager this request works in (a fork per request). */
  em(request: FastifyRequest): EntityManager;
  /**
   * The scopes whose history the caller may read (`'all'`: every one); null when the caller may read
   * no history at all, which answers 404 everywhere, exactly as for an entity that does not exist.
   */
  scopes(request: FastifyRequest): readonly string[] | 'all' | null | Promise<readonly string[] | 'all' | null>;
  /**
   * The scope of an entity that has no history yet (e.g. imported in bulk), read from its row as it is
   * now; `undefined` when there is no such row. Without it, an entity without history is not found.
   */
  currentScope?(request: FastifyRequest, type: string, id: string): Promise<string | null | undefined>;
}

const entityId = z.string().regex(/^[\w.:-]{1,64}$/, 'must be an id of up to 64 letters, digits or . : _ -');

/**
 * Entity histories ("Status changed from New to Collecting", who and when), an entity's state as of a
 * time, and the feed across entities, each limited to the caller's scopes by the same rule: an
 * entity's history is readable while its latest recorded scope is one of theirs. Register it under a
 * prefix.
 *
 * @example
 * ```ts
 * await app.register(historyRoutes, {
 *   prefix: '/api/history',
 *   reader: new HistoryReader(auditOptions, { cursorSecret }),
 *   em: (request) => orm.em.fork(),
 *   scopes: (request) => (request.user.roles.includes('HISTORY') ? request.user.centerIds.map(String) : null),
 * });
 * ```
 */
export async function historyRoutes(app: FastifyInstance, options: HistoryRoutesOptions): Promise<void> {
  const { reader } = options;
  const routes = sluiceRouteScope(app);
  const tags = ['history'];
  const types = z.enum(reader.types as [string, ...string[]]);
  const params = z.object({ entity: types, id: entityId });
  const feedEntry = historyEntrySchema.omit({ correlationId: true });
  const entry = feedEntry.omit({ entity: true, entityId: true });

  /** 404 unless the entity's history (or, without one, its row) lies in one of the caller's scopes. */
  async function assertVisible(request: FastifyRequest, type: string, id: string): Promise<void> {
    const scopes = await options.scopes(request);
    const recorded = scopes === null ? undefined : await reader.scopeOf(options.em(request), type, id);
    const scope = recorded === undefined && scopes !== null ? await options.currentScope?.(request, type, id) : recorded;
    if (scopes === null || scope === undefined || (scopes !== 'all' && (scope === null || !scopes.includes(scope))))
      throw NotFoundError.resource(`History of ${type}`, id);
  }

  routes.get(
    '/:entity/:id',
    {
      schema: {
        summary: 'History of one entity, newest first',
        tags,
        params,
        querystring: pagerQuerySchema(),
        response: { 200: pageResponseSchema(entry), 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      await assertVisible(request, request.params.entity, request.params.id);
      const { orderBy: _, ...pager } = toPager(request.query);
      // The response schema leaves out what this answer does not carry (the entity, the correlation id).
      return reader.history(options.em(request), request.params.entity, request.params.id, pager);
    },
  );

  routes.get(
    '/:entity/:id/as-of',
    {
      schema: {
        summary: 'The tracked state of an entity at a past time',
        tags,
        params,
        querystring: z.object({ at: z.iso.datetime({ offset: true }) }),
        response: { 200: stateAsOfSchema, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      await assertVisible(request, request.params.entity, request.params.id);
      return reader.stateAsOf(options.em(request), request.params.entity, request.params.id, new Date(request.query.at));
    },
  );

  routes.get(
    '',
    {
      schema: {
        summary: 'Changes across entities of your scopes, newest first',
        tags,
        querystring: pagerQuerySchema().and(
          z.object({
            entity: types.optional(),
            actorId: z.coerce.number().int().positive().optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
          }),
        ),
        response: { 200: pageResponseSchema(feedEntry), 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      const scopes = await options.scopes(request);
      if (scopes === null) throw AccessError.forbidden('read history');
      const { entity, actorId, from, to } = request.query;
      const { orderBy: _, ...pager } = toPager(request.query);
      return reader.feed(
        options.em(request),
        {
          entityTypes: entity ? [entity] : undefined,
          actorId,
          from: from ? new Date(from) : undefined,
          to: to ? new Date(to) : undefined,
          scopes: scopes === 'all' ? undefined : [...scopes],
        },
        pager,
      );
    },
  );
}

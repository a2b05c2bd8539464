import type { EntityManager } from '@mikro-orm/sql';
import { NotFoundError } from '@sluice/core';
import { errorBody, idParam } from '@sluice/core/fastify';
import { paginateQueryBuilder } from '@sluice/pagination';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CurrentUser } from '../../auth/current-user.ts';
import { Activity, ActivityType } from '../../db/entities/index.ts';
import { type RouteOptions, registerListRoute } from '../list-route.ts';
import { integerColumn, isoDay } from '../schemas.ts';
import { findInCenters } from '../scoped-find.ts';
import { stripUndefined } from '../strip-undefined.ts';
import { findPerson, personName } from './people.ts';

export const activityDto = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  typeId: z.number().int(),
  date: z.string(),
  durationMinutes: z.number().int(),
  createdAt: z.string(),
});

/** The API shape of an activity. */
export function toActivityDto(activity: Activity): z.infer<typeof activityDto> {
  return {
    id: activity.id,
    personId: activity.person.id,
    typeId: activity.type.id,
    date: activity.date,
    durationMinutes: activity.durationMinutes,
    createdAt: activity.createdAt.toISOString(),
  };
}

const activityFields = {
  personId: integerColumn(Activity, 'person').positive(),
  typeId: integerColumn(Activity, 'type').positive(),
  date: isoDay,
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
};

/** An activity in a list: with its person's and type's names, as a reader reads them. */
const activityListItem = activityDto.extend({ personName: z.string(), typeName: z.string() });

/** Activities visible to users of `centerIds` (through their person). */
export const activityScope = (centerIds: number[]) => ({ person: { center: { $in: centerIds } } });

function findActivity(em: EntityManager, user: CurrentUser, id: number): Promise<Activity> {
  return findInCenters(em, Activity, 'Activity', id, activityScope, user.centerIds);
}

async function activityType(em: EntityManager, typeId: number): Promise<ActivityType> {
  const type = await em.findOne(ActivityType, typeId);
  if (!type) throw NotFoundError.resource('Activity type', typeId);
  return type;
}

/** `/api/activities`: activities of people of the caller's centers. */
export async function activityRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['activities'];
  const params = z.object({ id: idParam });

  registerListRoute(app, {
    url: '/api/activities',
    tags,
    summary: 'Activities of your people, paginated and sortable',
    item: activityListItem,
    query: ({ em, user }) =>
      paginateQueryBuilder(
        em,
        { key: `activities:${user.centerIds.join(',')}`, build: () => em.createQueryBuilder(Activity, 'a').where(activityScope(user.centerIds)) },
        {
          orderings: {
            date: { expression: 'a.date', type: 'date' },
            durationMinutes: { expression: 'a.duration_minutes', type: 'integer' },
          },
          cursorSecret: options.cursorSecret,
        },
      ),
    present: async (em, activities) => {
      await em.populate(activities, ['person', 'type']);
      return activities.map((activity) => ({ ...toActivityDto(activity), personName: personName(activity.person), typeName: activity.type.name }));
    },
  });

  routes.get(
    '/api/activities/:id',
    { schema: { summary: 'One activity of a person of your centers', tags, params, response: { 200: activityDto, 404: errorBody } } },
    async (request) => toActivityDto(await findActivity(request.em, request.user, request.params.id)),
  );

  routes.post(
    '/api/activities',
    { schema: { summary: 'Record an activity', tags, body: z.strictObject(activityFields), response: { 201: activityDto, 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const { personId, typeId, ...fields } = request.body;
      const person = await findPerson(request.em, request.user, personId);
      const activity = request.em.create(Activity, { ...fields, person, type: await activityType(request.em, typeId), createdAt: new Date() });
      await request.em.flush();
      return reply.code(201).send(toActivityDto(activity));
    },
  );

  routes.patch(
    '/api/activities/:id',
    {
      schema: {
        summary: 'Change an activity',
        tags,
        params,
        body: z.strictObject(activityFields).partial(),
        response: { 200: activityDto, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const activity = await findActivity(request.em, request.user, request.params.id);
      const { personId, typeId, ...fields } = request.body;
      if (personId !== undefined) activity.person = await findPerson(request.em, request.user, personId);
      if (typeId !== undefined) activity.type = await activityType(request.em, typeId);
      request.em.assign(activity, stripUndefined(fields));
      await request.em.flush();
      return toActivityDto(activity);
    },
  );

  routes.delete(
    '/api/activities/:id',
    { schema: { summary: 'Delete an activity', tags, params, response: { 204: z.null(), 404: errorBody } } },
    async (request, reply) => {
      request.em.remove(await findActivity(request.em, request.user, request.params.id));
      await request.em.flush();
      return reply.code(204).send(null);
    },
  );
}

import type { EntityManager } from '@mikro-orm/sql';
import { AccessError } from '@sluice/core';
import { errorBody, idParam } from '@sluice/core/fastify';
import { rawIsoInstant } from '@sluice/db';
import { paginateQueryBuilder } from '@sluice/pagination';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type CurrentUser, canUseCenter } from '../../auth/current-user.ts';
import { Center, genders, Person } from '../../db/entities/index.ts';
import { type RouteOptions, registerListRoute } from '../list-route.ts';
import { countryCode, integerColumn, isoDay } from '../schemas.ts';
import { findInCenters, readInCenters } from '../scoped-find.ts';
import { stripUndefined } from '../strip-undefined.ts';

export const personDto = z.object({
  id: z.number().int(),
  firstName: z.string(),
  lastName: z.string(),
  gender: z.enum(genders).nullable(),
  birthdate: z.string().nullable(),
  nationality: z.string().nullable(),
  centerId: z.number().int(),
  createdAt: z.string(),
});

/** The API shape of a person entity (see {@link personDtoOfRow} for a row a read-only route reads). */
export function toPersonDto(person: Person): z.infer<typeof personDto> {
  return {
    id: person.id,
    firstName: person.firstName,
    lastName: person.lastName,
    gender: person.gender ?? null,
    birthdate: person.birthdate ?? null,
    nationality: person.nationality ?? null,
    centerId: person.center.id,
    createdAt: person.createdAt.toISOString(),
  };
}

/** A person's row as the database returns it (`select *`); days are text on every dialect. */
interface PersonColumns {
  id: number;
  first_name: string;
  last_name: string;
  gender: NonNullable<Person['gender']> | null;
  birthdate: string | null;
  nationality: string | null;
  center_id: number;
  created_at: unknown;
}

/**
 * The API shape of a person's row. Read-only routes map rows, not entities: creating, registering
 * and snapshotting entities took a quarter of a list request's CPU, and a `Date` per timestamp a tenth
 * more (bench/http-routes.bench.ts).
 */
export function personDtoOfRow(row: PersonColumns): z.infer<typeof personDto> {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    gender: row.gender,
    birthdate: row.birthdate,
    nationality: row.nationality,
    centerId: row.center_id,
    createdAt: rawIsoInstant(row.created_at),
  };
}

const personFields = {
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  gender: z.enum(genders).nullable(),
  birthdate: isoDay.nullable(),
  nationality: countryCode.nullable(),
  centerId: integerColumn(Person, 'center').positive(),
};
const createPerson = z.strictObject({
  ...personFields,
  gender: personFields.gender.default(null),
  birthdate: personFields.birthdate.default(null),
  nationality: personFields.nationality.default(null),
});
const updatePerson = z.strictObject(personFields).partial();

/** How lists name a person: first and last name. */
export function personName(person: Pick<Person, 'firstName' | 'lastName'>): string {
  return `${person.firstName} ${person.lastName}`;
}

/** Rows of people visible to users of `centerIds`. */
export const personScope = (centerIds: number[]) => ({ center: { $in: centerIds } });

/** Loads a person the user may see, or fails with `NOT_FOUND`. */
export function findPerson(em: EntityManager, user: CurrentUser, id: number): Promise<Person> {
  return findInCenters(em, Person, 'Person', id, personScope, user.centerIds);
}

function assertCenter(user: CurrentUser, centerId: number): void {
  if (!canUseCenter(user, centerId)) throw AccessError.forbidden(`use center ${centerId}`);
}

/** `/api/people`: people of the caller's centers. */
export async function peopleRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['people'];
  const params = z.object({ id: idParam });

  registerListRoute(app, {
    url: '/api/people',
    tags,
    summary: 'Your people (of your centers), paginated and sortable',
    item: personDto,
    query: ({ em, user }) =>
      paginateQueryBuilder(
        em,
        // The scope's SQL and values follow from the centers alone: compiled once per set of centers.
        { key: `people:${user.centerIds.join(',')}`, build: () => em.createQueryBuilder(Person, 'p').where(personScope(user.centerIds)) },
        {
          orderings: {
            lastName: { expression: 'p.last_name', type: 'string' },
            firstName: { expression: 'p.first_name', type: 'string' },
            birthdate: { expression: 'p.birthdate', type: 'date', nullable: true },
            createdAt: { expression: 'p.created_at', type: 'timestamp' },
            nationality: { expression: 'p.nationality', type: 'string', nullable: true },
          },
          cursorSecret: options.cursorSecret,
        },
        { hydrate: false },
      ).withTransformer((row) => personDtoOfRow(row as unknown as PersonColumns)),
    present: (_, people) => people,
  });

  routes.get(
    '/api/people/:id',
    { schema: { summary: 'One person of your centers', tags, params, response: { 200: personDto, 404: errorBody } } },
    async (request) =>
      personDtoOfRow((await readInCenters(request.em, Person, 'Person', request.params.id, 'center', request.user.centerIds)) as unknown as PersonColumns),
  );

  routes.post(
    '/api/people',
    { schema: { summary: 'Create a person in one of your centers', tags, body: createPerson, response: { 201: personDto, 400: errorBody, 403: errorBody } } },
    async (request, reply) => {
      const { centerId, ...fields } = request.body;
      assertCenter(request.user, centerId);
      const person = request.em.create(Person, { ...fields, center: request.em.getReference(Center, centerId), createdAt: new Date() });
      await request.em.flush();
      return reply.code(201).send(toPersonDto(person));
    },
  );

  routes.patch(
    '/api/people/:id',
    { schema: { summary: 'Change a person', tags, params, body: updatePerson, response: { 200: personDto, 400: errorBody, 404: errorBody } } },
    async (request) => {
      const person = await findPerson(request.em, request.user, request.params.id);
      const { centerId, ...fields } = request.body;
      if (centerId !== undefined) {
        assertCenter(request.user, centerId);
        person.center = request.em.getReference(Center, centerId);
      }
      request.em.assign(person, stripUndefined(fields));
      await request.em.flush();
      return toPersonDto(person);
    },
  );

  routes.delete(
    '/api/people/:id',
    { schema: { summary: 'Delete a person (and their activities and orders)', tags, params, response: { 204: z.null(), 404: errorBody } } },
    async (request, reply) => {
      const person = await findPerson(request.em, request.user, request.params.id);
      request.em.remove(person);
      await request.em.flush();
      return reply.code(204).send(null);
    },
  );
}

import type { EntityManager } from '@mikro-orm/sql';
import { NotFoundError } from '@sluice/core';
import { errorBody, idParam } from '@sluice/core/fastify';
import { paginateQueryBuilder } from '@sluice/pagination';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CurrentUser } from '../../auth/current-user.ts';
import { CustomerOrder, Product, Status, statusNames } from '../../db/entities/index.ts';
import { type RouteOptions, registerListRoute } from '../list-route.ts';
import { integerColumn, isoDay } from '../schemas.ts';
import { findInCenters } from '../scoped-find.ts';
import { stripUndefined } from '../strip-undefined.ts';
import { findPerson, personName } from './people.ts';

export const orderDto = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  status: z.enum(statusNames),
  totalPrice: z.number().int(),
  deliveryDate: z.string().nullable(),
  productIds: z.array(z.number().int()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** An order in a list: with the name of its person, as a reader reads it. */
const orderListItem = orderDto.extend({ personName: z.string() });

/** The API shape of an order; `products` and `status` must be loaded. */
export function toOrderDto(order: CustomerOrder): z.infer<typeof orderDto> {
  return {
    id: order.id,
    personId: order.person.id,
    status: order.status.name as (typeof statusNames)[number],
    totalPrice: order.totalPrice,
    deliveryDate: order.deliveryDate ?? null,
    productIds: order.products
      .getItems()
      .map((product) => product.id)
      .sort((a, b) => a - b),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** Orders visible to users of `centerIds` (through the ordering person). */
export const orderScope = (centerIds: number[]) => ({ person: { center: { $in: centerIds } } });

function findOrder(em: EntityManager, user: CurrentUser, id: number): Promise<CustomerOrder> {
  return findInCenters(em, CustomerOrder, 'Order', id, orderScope, user.centerIds, ['products', 'status']);
}

async function statusNamed(em: EntityManager, name: string): Promise<Status> {
  return em.findOneOrFail(Status, { name });
}

async function findProduct(em: EntityManager, id: number): Promise<Product> {
  const product = await em.findOne(Product, id);
  if (!product) throw NotFoundError.resource('Product', id);
  return product;
}

const updateOrder = z.strictObject({
  status: z.enum(statusNames),
  totalPrice: integerColumn(CustomerOrder, 'totalPrice').min(0),
  deliveryDate: isoDay.nullable(),
});

/** `/api/orders`: orders of people of the caller's centers, and their products. */
export async function orderRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['orders'];
  const params = z.object({ id: idParam });

  registerListRoute(app, {
    url: '/api/orders',
    tags,
    summary: 'Orders of your people, paginated and sortable',
    item: orderListItem,
    query: ({ em, user }) =>
      paginateQueryBuilder(
        em,
        { key: `orders:${user.centerIds.join(',')}`, build: () => em.createQueryBuilder(CustomerOrder, 'o').where(orderScope(user.centerIds)) },
        {
          orderings: {
            createdAt: { expression: 'o.created_at', type: 'timestamp' },
            totalPrice: { expression: 'o.total_price', type: 'integer' },
            deliveryDate: { expression: 'o.delivery_date', type: 'date', nullable: true },
          },
          cursorSecret: options.cursorSecret,
        },
      ),
    present: async (em, orders) => {
      await em.populate(orders, ['products', 'status', 'person']);
      return orders.map((order) => ({ ...toOrderDto(order), personName: personName(order.person) }));
    },
  });

  routes.get(
    '/api/products',
    {
      schema: {
        summary: 'Products an order can hold (price in cents)',
        tags,
        response: { 200: z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string(), price: z.number().int() })) }) },
      },
    },
    async (request) => ({
      items: (await request.em.find(Product, {}, { orderBy: { id: 'asc' } })).map(({ id, name, price }) => ({ id, name, price })),
    }),
  );

  routes.get(
    '/api/orders/:id',
    { schema: { summary: 'One order with its products', tags, params, response: { 200: orderDto, 404: errorBody } } },
    async (request) => toOrderDto(await findOrder(request.em, request.user, request.params.id)),
  );

  routes.post(
    '/api/orders',
    {
      schema: {
        summary: 'Place an order',
        tags,
        body: z.strictObject({
          personId: integerColumn(CustomerOrder, 'person').positive(),
          status: z.enum(statusNames).default('New'),
          totalPrice: integerColumn(CustomerOrder, 'totalPrice').min(0).default(0),
          deliveryDate: isoDay.nullable().default(null),
          productIds: z.array(integerColumn(Product, 'id').positive()).max(100).default([]),
        }),
        response: { 201: orderDto, 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const { personId, status, productIds, ...fields } = request.body;
      const person = await findPerson(request.em, request.user, personId);
      const products = await Promise.all([...new Set(productIds)].map((id) => findProduct(request.em, id)));
      const now = new Date();
      const order = request.em.create(CustomerOrder, {
        ...fields,
        person,
        status: await statusNamed(request.em, status),
        products,
        createdAt: now,
        updatedAt: now,
      });
      await request.em.flush();
      return reply.code(201).send(toOrderDto(order));
    },
  );

  routes.patch(
    '/api/orders/:id',
    {
      schema: {
        summary: 'Change an order: status, delivery date, total price',
        tags,
        params,
        body: updateOrder.partial(),
        response: { 200: orderDto, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const order = await findOrder(request.em, request.user, request.params.id);
      const { status, ...fields } = request.body;
      if (status !== undefined) order.status = await statusNamed(request.em, status);
      request.em.assign(order, stripUndefined(fields));
      await request.em.flush();
      return toOrderDto(order);
    },
  );

  routes.delete(
    '/api/orders/:id',
    { schema: { summary: 'Delete an order', tags, params, response: { 204: z.null(), 404: errorBody } } },
    async (request, reply) => {
      request.em.remove(await findOrder(request.em, request.user, request.params.id));
      await request.em.flush();
      return reply.code(204).send(null);
    },
  );

  routes.post(
    '/api/orders/:id/products',
    {
      schema: {
        summary: 'Add a product to an order',
        tags,
        params,
        body: z.strictObject({ productId: integerColumn(Product, 'id').positive() }),
        response: { 200: orderDto, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const order = await findOrder(request.em, request.user, request.params.id);
      order.products.add(await findProduct(request.em, request.body.productId));
      await request.em.flush();
      return toOrderDto(order);
    },
  );

  routes.delete(
    '/api/orders/:id/products/:productId',
    {
      schema: {
        summary: 'Remove a product from an order',
        tags,
        params: z.object({ id: idParam, productId: idParam }),
        response: { 200: orderDto, 404: errorBody },
      },
    },
    async (request) => {
      const order = await findOrder(request.em, request.user, request.params.id);
      const product = order.products.getItems().find((item) => item.id === request.params.productId);
      if (!product) throw NotFoundError.resource('Product in order', request.params.productId);
      order.products.remove(product);
      await request.em.flush();
      return toOrderDto(order);
    },
  );
}

import { defineEntity, type InferEntity, MikroORM, p } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { DialectName } from '@sluice/db';
import { createTestDatabase, mikroOrmConnection, type TestDatabase } from '@sluice/test-utils';
import { type AuditOptions, AuditSubscriber, auditEntities, HistoryReader, trackEntity } from '../src/index.ts';

export const Status = defineEntity({ name: 'AuStatus', tableName: 'au_status', properties: { id: p.integer().primary(), name: p.string().length(30) } });
export const Product = defineEntity({ name: 'AuProduct', tableName: 'au_product', properties: { id: p.integer().primary(), name: p.string().length(30) } });
export const Order = defineEntity({
  name: 'AuOrder',
  tableName: 'au_order',
  properties: {
    id: p.integer().primary(),
    status: () => p.manyToOne(Status),
    totalPrice: p.integer(),
    deliveryDate: p.date().nullable(),
    placedAt: p.datetime(3),
    note: p.string().length(100).nullable(),
    centerId: p.integer(),
    products: () => p.manyToMany(Product).pivotTable('au_order_products'),
  },
});
export type Order = InferEntity<typeof Order>;

export const failingPrice = 666;

export const auditOptions: AuditOptions = {
  entities: [
    trackEntity<Order>({
      entity: Order,
      type: 'orders',
      label: 'Order',
      fields: {
        status: { label: 'Status', displayField: 'name' },
        totalPrice: {
          label: 'Total price',
          format: (cents) => {
            if (cents === failingPrice) throw new Error('history write fails on purpose');
            return `€${(Number(cents) / 100).toFixed(2)}`;
          },
        },
        deliveryDate: { label: 'Delivery date' },
        placedAt: { label: 'Placed at' },
        products: { label: 'Products', displayField: 'name' },
      },
      scope: (order) => order.centerId,
    }),
  ],
};

export interface Fixture {
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  database: TestDatabase;
  reader: HistoryReader;
  em(): EntityManager;
  /** Rows of audit_change, oldest first. */
  changes(): Promise<Record<string, unknown>[]>;
  revisions(): Promise<number>;
  close(): Promise<void>;
}

export async function createFixture(dialect: DialectName): Promise<Fixture> {
  const database = await createTestDatabase(dialect);
  const orm = (await MikroORM.init({
    ...mikroOrmConnection(database),
    entities: [Status, Product, Order, ...auditEntities],
    subscribers: [new AuditSubscriber(auditOptions)],
    forceUtcTimezone: true,
  })) as MikroORM<AbstractSqlDriver, EntityManager>;
  await orm.schema.create();
  const em = orm.em.fork();
  for (const [id, name] of ['New', 'Collecting', 'Shipped'].entries()) em.create(Status, { id: id + 1, name });
  for (const [id, name] of ['TV', 'Laptop', 'Mouse'].entries()) em.create(Product, { id: id + 1, name });
  await em.flush();
  return {
    orm,
    database,
    reader: new HistoryReader(auditOptions),
    em: () => orm.em.fork(),
    changes: async () => {
      const rows = await orm.em.fork().getConnection().execute('select * from audit_change order by id');
      return rows.map((row) => ({ ...row, changes: json(row.changes), collections: json(row.collections), state: json(row.state) }));
    },
    revisions: async () => Number((await orm.em.fork().getConnection().execute<{ n: number }[]>('select count(*) as n from audit_revision'))[0]?.n),
    close: async () => {
      await orm.close(true);
      await database.drop();
    },
  };
}

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Creates an order (products 1 and 2) and returns its id. */
export async function createOrder(fixture: Fixture, extra: Partial<Record<string, unknown>> = {}): Promise<number> {
  const em = fixture.em();
  const order = em.create(Order, {
    status: em.getReference(Status, 1),
    totalPrice: 1000,
    deliveryDate: '2025-12-01',
    placedAt: new Date('2025-01-01T00:00:00Z'),
    centerId: 1,
    products: [em.getReference(Product, 1), em.getReference(Product, 2)],
    ...extra,
  });
  await em.flush();
  return order.id;
}

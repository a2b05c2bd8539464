import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Person } from './person.ts';
import { Product } from './product.ts';
import { Status } from './status.ts';

/** An order placed by a person; visible to the users of that person's center. */
export const CustomerOrder = defineEntity({
  name: 'CustomerOrder',
  tableName: 'customer_order',
  properties: {
    id: p.integer().primary(),
    person: () => p.manyToOne(Person).deleteRule('cascade').index(),
    status: () => p.manyToOne(Status).index(),
    totalPrice: p.integer(),
    deliveryDate: p.date().nullable(),
    products: () => p.manyToMany(Product).pivotTable('customer_order_products'),
    createdAt: p.datetime(6),
    updatedAt: p.datetime(6).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['createdAt', 'id'] }, { properties: ['totalPrice', 'id'] }, { properties: ['deliveryDate', 'id'] }],
});
export type CustomerOrder = InferEntity<typeof CustomerOrder>;

import { syncEntity, syncKeySchema, syncMembership, syncParameter } from '@sluice/sync';
import { z } from 'zod';
import { Activity, CustomerOrder, genders, Person, Product, Status, statusNames } from '../db/entities/index.ts';
import { countryCode, integerColumn, isoDay } from '../http/schemas.ts';

const now = () => {
  const at = new Date();
  return { createdAt: at, updatedAt: at };
};

/** What offline clients of the demo sync: names are WatermelonDB table names, fields its columns. */
export const demoSyncMappings = [
  syncEntity({ name: 'statuses', entity: Status, fields: { name: 'name' } }),
  syncEntity({ name: 'products', entity: Product, fields: { name: 'name', price: 'price' } }),
  syncEntity<Person>({
    name: 'people',
    entity: Person,
    fields: { first_name: 'firstName', last_name: 'lastName', gender: 'gender', birthdate: 'birthdate', nationality: 'nationality', center_id: 'center' },
    scope: 'center',
    push: {
      schema: z.object({
        first_name: z.string().trim().min(1).max(100),
        last_name: z.string().trim().min(1).max(100),
        gender: z.enum(genders).nullable().default(null),
        birthdate: isoDay.nullable().default(null),
        nationality: countryCode.nullable().default(null),
        center_id: integerColumn(Person, 'center').positive(),
      }),
      defaults: () => ({ createdAt: new Date() }),
    },
  }),
  syncEntity<Activity>({
    name: 'activities',
    entity: Activity,
    fields: { person_id: 'person', type_id: 'type', date: 'date', duration_minutes: 'durationMinutes' },
    scope: 'person.center',
    parents: ['person'],
    push: {
      schema: z.object({
        person_id: syncKeySchema,
        type_id: integerColumn(Activity, 'type').positive(),
        date: isoDay,
        duration_minutes: integerColumn(Activity, 'durationMinutes')
          .min(0)
          .max(24 * 60),
      }),
      defaults: () => ({ createdAt: new Date() }),
    },
  }),
  syncEntity<CustomerOrder>({
    name: 'orders',
    entity: CustomerOrder,
    fields: { person_id: 'person', status_id: 'status', total_price: 'totalPrice', delivery_date: 'deliveryDate', product_ids: 'products' },
    scope: 'person.center',
    parents: ['person'],
    // Partial sync: a device may sync the orders of some statuses only (e.g. those still to deliver).
    parameters: { statuses: syncParameter({ schema: z.array(z.enum(statusNames)).min(1).max(statusNames.length), path: 'status.name' }) },
    push: {
      schema: z.object({
        person_id: syncKeySchema,
        status_id: syncKeySchema,
        total_price: integerColumn(CustomerOrder, 'totalPrice').min(0),
        delivery_date: isoDay.nullable().default(null),
        product_ids: z.array(syncKeySchema).max(100).default([]),
      }),
      defaults: now,
    },
  }),
  syncMembership({ name: 'order_products', owner: 'orders', collection: 'products', ownerField: 'order_id', targetField: 'product_id' }),
];

import { wrap } from '@mikro-orm/core';
import type { AuditOptions } from '@sluice/audit';
import { trackEntity } from '@sluice/audit';
import type { SqlRun } from '@sluice/db';
import { Activity, CustomerOrder, Person } from '../db/entities/index.ts';

const euros = (cents: unknown) => `€${(Number(cents) / 100).toFixed(2)}`;

/** The center of a person, loaded or not; history of people's rows is readable in that center. */
async function centerOfPerson(person: Person, query: SqlRun): Promise<number | null> {
  if (wrap(person, true).isInitialized()) return person.center.id;
  const [row] = await query('select center_id from person where id = ?', [person.id]);
  return row ? Number(row.center_id) : null;
}

/** What the demo keeps history of, with the labels end users read. */
export const demoAudit: AuditOptions = {
  entities: [
    trackEntity<CustomerOrder>({
      entity: CustomerOrder,
      type: 'orders',
      label: 'Order',
      fields: {
        status: { label: 'Status', displayField: 'name' },
        totalPrice: { label: 'Total price', format: euros },
        deliveryDate: { label: 'Delivery date' },
        products: { label: 'Products', displayField: 'name' },
      },
      scope: (order, query) => centerOfPerson(order.person, query),
    }),
    trackEntity<Person>({
      entity: Person,
      type: 'people',
      label: 'Person',
      fields: {
        firstName: { label: 'First name' },
        lastName: { label: 'Last name' },
        gender: { label: 'Gender' },
        birthdate: { label: 'Birthdate' },
        nationality: { label: 'Nationality' },
        center: { label: 'Center', displayField: 'name' },
      },
      scope: (person) => person.center.id,
    }),
    trackEntity<Activity>({
      entity: Activity,
      type: 'activities',
      label: 'Activity',
      fields: {
        type: { label: 'Type', displayField: 'name' },
        date: { label: 'Date' },
        durationMinutes: { label: 'Duration (minutes)' },
      },
      scope: (activity, query) => centerOfPerson(activity.person, query),
    }),
  ],
};

import type { ColumnRow } from '../db/bulk-insert.ts';
import { centerWeights, demoActivityTypes, demoProducts, demoStatuses, genderWeights, nationalityWeights } from './reference-data.ts';
import type { SeededRandom } from './seeded-random.ts';

/** One batch of generated people with their activities, orders and order lines. */
export interface PeopleBatch {
  people: ColumnRow[];
  activities: ColumnRow[];
  orders: ColumnRow[];
  orderProducts: ColumnRow[];
}

/** Ids the next batch starts after, so batches can be appended to existing data. */
export interface IdCursor {
  person: number;
  activity: number;
  order: number;
}

const day = 86_400_000;
/** Fixed "now" of the generated world: wall-clock time would break determinism. */
const referenceTime = Date.UTC(2026, 5, 30);
const birthdateFrom = Date.UTC(1930, 0, 1);
const birthdateSpanDays = Math.floor((Date.UTC(2024, 0, 1) - birthdateFrom) / day);
const centerChoices = centerWeights.map((weight, index) => [index + 1, weight] as const);

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * Generates `count` people after `ids`, with realistic distributions: about 5% NULL gender,
 * birthdate and nationality each; 15% of people have no activity and the others 1 to 11 (about 5 on
 * average); about one order per ten people. Advances `ids`.
 */
export function generatePeople(random: SeededRandom, count: number, ids: IdCursor): PeopleBatch {
  const batch: PeopleBatch = { people: [], activities: [], orders: [], orderProducts: [] };
  for (let i = 0; i < count; i++) {
    const personId = ++ids.person;
    const gender = random.weighted(genderWeights);
    const createdAt = referenceTime - random.int(30, 3 * 365) * day - random.int(0, day - 1);
    batch.people.push({
      id: personId,
      first_name: random.faker.person.firstName(gender === 'female' || gender === 'male' ? gender : undefined),
      last_name: random.faker.person.lastName(),
      gender,
      birthdate: random.next() < 0.05 ? null : isoDate(birthdateFrom + random.int(0, birthdateSpanDays) * day),
      nationality: random.weighted(nationalityWeights),
      center_id: random.weighted(centerChoices) ?? 1,
      created_at: new Date(createdAt),
    });
    const activityCount = random.next() < 0.15 ? 0 : random.int(1, 11);
    for (let a = 0; a < activityCount; a++) {
      const date = createdAt + random.int(0, Math.floor((referenceTime - createdAt) / day)) * day;
      batch.activities.push({
        id: ++ids.activity,
        person_id: personId,
        type_id: random.int(1, demoActivityTypes.length),
        date: isoDate(date),
        duration_minutes: 5 * random.int(1, 36),
        created_at: new Date(date + random.int(8 * 3_600_000, 18 * 3_600_000)),
      });
    }
    if (random.next() < 0.1) generateOrder(random, batch, ++ids.order, personId, createdAt);
  }
  return batch;
}

function generateOrder(random: SeededRandom, batch: PeopleBatch, orderId: number, personId: number, after: number): void {
  const productIds = new Set<number>();
  const lines = random.int(1, 4);
  while (productIds.size < lines) productIds.add(random.int(1, demoProducts.length));
  const statusId = random.int(1, demoStatuses.length);
  const createdAt = after + random.int(0, Math.floor((referenceTime - after) / day)) * day + random.int(0, day - 1);
  let total = 0;
  for (const productId of productIds) {
    total += (demoProducts[productId - 1] as [string, number])[1];
    batch.orderProducts.push({ customer_order_id: orderId, product_id: productId });
  }
  batch.orders.push({
    id: orderId,
    person_id: personId,
    status_id: statusId,
    total_price: total,
    delivery_date: statusId === 1 ? null : isoDate(createdAt + random.int(2, 14) * day),
    created_at: new Date(createdAt),
    updated_at: new Date(createdAt + random.int(0, 7) * day),
  });
}

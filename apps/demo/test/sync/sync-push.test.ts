import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { protocolClient, pullUntilDone } from './sync-client.ts';

// How pushes apply (updates and deletes, the race of two pushes of one row, conflicts of other users and
// of resent creates, digit uuids, all-or-nothing) is tested in packages/sync/test; here, the demo's
// wiring: its route, status codes and error bodies, and its mappings' push schemas.
describeEachDialect('sync push', (dialect) => {
  let t: TestApp;
  let alice: string;
  let batch = 0;
  const sql = (text: string, params: unknown[] = []) => t.orm.em.fork().getConnection().execute(text, params);

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 30 });
    alice = await t.login('alice');
  });
  afterAll(() => t.close());

  async function checkpoints(...mappings: string[]) {
    const client = protocolClient(mappings);
    await pullUntilDone(t, alice, client);
    return client.checkpoints as Record<string, string>;
  }

  const push = (changes: unknown, extra: Record<string, unknown> = {}) =>
    t.request(alice, 'POST', '/api/sync/push', { clientId: 'tablet-1', batchId: `b${++batch}`, changes, ...extra });

  const newPerson = (uuid: string, center = 1) => ({
    uuid,
    first_name: 'Ada',
    last_name: 'Lovelace',
    gender: 'female',
    birthdate: '1815-12-10',
    nationality: 'GB',
    center_id: center,
  });

  it('creates rows by client uuid, references them in the same push, and replays a batch unchanged', async () => {
    const body = {
      clientId: 'tablet-1',
      batchId: 'replay-1',
      changes: {
        people: { created: [newPerson('p-uuid-1')] },
        orders: { created: [{ uuid: 'o-uuid-1', person_id: 'p-uuid-1', status_id: 1, total_price: 1999, delivery_date: null, product_ids: [2, 1] }] },
      },
    };
    const first = await t.request(alice, 'POST', '/api/sync/push', body);
    expect(first.statusCode).toBe(200);
    const answer = first.json();
    const personId = answer.mappings.people.newItems[0].id;
    expect(answer.mappings.people).toEqual({ newItems: [{ uuid: 'p-uuid-1', id: expect.any(Number) }], failedItems: [] });
    const orderId = answer.mappings.orders.newItems[0].id;
    const [order] = await sql('select person_id, total_price from customer_order where id = ?', [orderId]);
    expect(Number(order?.person_id)).toBe(personId);
    expect(
      (await sql('select product_id from customer_order_products where customer_order_id = ? order by product_id', [orderId])).map((row) =>
        Number(row.product_id),
      ),
    ).toEqual([1, 2]);

    const replay = await t.request(alice, 'POST', '/api/sync/push', body);
    expect(replay.json()).toEqual(answer);
    // The same batch id with other rows used to answer 200 with the first answer and drop the rows.
    const other = await t.request(alice, 'POST', '/api/sync/push', { ...body, changes: { people: { created: [newPerson('p-uuid-2')] } } });
    expect([other.statusCode, other.json().error?.code]).toEqual([409, 'SYNC_BATCH_REUSED']);
    expect(Number((await sql("select count(*) as n from sync_item where uuid = 'p-uuid-2'"))[0]?.n)).toBe(0);
  });

  it('returns invalid rows and rows outside the caller’s centers as failed items, and applies the rest', async () => {
    const since = await checkpoints('people');
    const [foreign, other] = await sql('select id from person where center_id = 3 order by id limit 2');
    const response = await push(
      {
        people: {
          created: [
            newPerson('ok-1'),
            { ...newPerson('bad-1'), birthdate: '2001-02-30', gender: 'robot' },
            newPerson('foreign-1', 3),
            newPerson('nowhere', 99),
          ],
          updated: [{ id: foreign?.id, last_name: 'Hacked' }],
          deleted: [other?.id],
        },
      },
      { checkpoints: since },
    );
    expect(response.statusCode).toBe(200);
    const { newItems, failedItems } = response.json().mappings.people;
    expect(newItems.map((item: { uuid: string }) => item.uuid)).toEqual(['ok-1']);
    const byKey = Object.fromEntries(
      failedItems.map((item: { uuid?: string; id?: number; errors: { field: string }[] }) => [
        item.uuid ?? item.id,
        item.errors.map((error) => error.field).sort(),
      ]),
    );
    expect(byKey).toEqual({ 'bad-1': ['birthdate', 'gender'], 'foreign-1': ['center_id'], nowhere: ['center_id'], [Number(foreign?.id)]: ['id'] });
    const [after] = await sql('select last_name from person where id = ?', [foreign?.id]);
    expect(after?.last_name).not.toBe('Hacked');
    expect(await sql('select id from person where id = ?', [other?.id])).toHaveLength(1);
  });

  it('answers 409 with the rows changed on the server since the checkpoint, and applies nothing', async () => {
    const since = await checkpoints('people', 'orders');
    const [order] = await sql('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id = 1 order by o.id limit 1');
    expect((await t.request(alice, 'PATCH', `/api/orders/${order?.id}`, { totalPrice: 1234 })).statusCode).toBe(200);
    const response = await push(
      { people: { created: [newPerson('conflicted-1')] }, orders: { updated: [{ id: order?.id, total_price: 1 }] } },
      { checkpoints: since },
    );
    expect(response.statusCode).toBe(409);
    const error = response.json().error;
    expect(error.code).toBe('SYNC_CONFLICT');
    expect(error.details.conflicts).toEqual([{ mapping: 'orders', id: String(order?.id), row: expect.objectContaining({ id: order?.id, total_price: 1234 }) }]);
    expect(Number((await sql("select count(*) as n from sync_item where uuid = 'conflicted-1'"))[0]?.n)).toBe(0);
    // After pulling, the same change goes through.
    const fresh = await checkpoints('orders');
    expect((await push({ orders: { updated: [{ id: order?.id, total_price: 1 }] } }, { checkpoints: fresh })).statusCode).toBe(200);
  });

  it('refuses malformed pushes with codes', async () => {
    const cases: [unknown, number, string][] = [
      [{ clientId: 'c', batchId: 'x', changes: { people: { created: [{ first_name: 'no uuid' }] } } }, 400, 'VALIDATION_FAILED'],
      [{ clientId: 'c', batchId: 'x', changes: { nope: { created: [] } } }, 400, 'SYNC_UNKNOWN_MAPPING'],
      [{ clientId: 'c', batchId: 'x', changes: { statuses: { deleted: [1] } } }, 400, 'SYNC_INVALID_BATCH'],
      [{ clientId: 'c', batchId: 'x', changes: { people: { created: [newPerson('dup'), newPerson('dup')] } } }, 400, 'SYNC_INVALID_BATCH'],
      [{ clientId: 'c', batchId: 'x', changes: { people: { updated: [{ id: 1, last_name: 'x' }] } } }, 400, 'SYNC_INVALID_BATCH'],
      [{ clientId: 'c', batchId: 'x', changes: { people: { deleted: Array.from({ length: 1001 }, (_, i) => i + 1) } } }, 400, 'VALIDATION_FAILED'],
      [
        {
          clientId: 'c',
          batchId: 'x',
          changes: { people: { deleted: Array.from({ length: 600 }, (_, i) => i + 1) }, orders: { deleted: Array.from({ length: 600 }, (_, i) => i + 1) } },
        },
        400,
        'SYNC_INVALID_BATCH',
      ],
      [{ clientId: 'bad id!', batchId: 'x', changes: {} }, 400, 'VALIDATION_FAILED'],
      [{ clientId: 'c', batchId: 'x', changes: { people: { created: 'many' } } }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const response = await t.request(alice, 'POST', '/api/sync/push', body);
      expect([response.statusCode, response.json().error?.code]).toEqual([status, code]);
    }
    const admin = await t.login('admin');
    const reused = await t.request(admin, 'POST', '/api/sync/push', { clientId: 'tablet-1', batchId: 'replay-1', changes: {} });
    expect([reused.statusCode, reused.json().error.code]).toEqual([409, 'SYNC_BATCH_REUSED']);
  });
});

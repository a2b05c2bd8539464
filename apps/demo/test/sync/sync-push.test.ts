import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/sql';
import { type DialectName, dialectNamed } from '@sluice/db';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-orm.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { protocolClient, pullUntilDone } from './sync-client.ts';

/** Sessions of this database waiting for a lock, where the database shows them. */
const lockWaitersQuery: Record<DialectName, string | null> = {
  postgresql: "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
  mariadb: null,
  sqlite: null,
};

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
    // The same uuid in a new batch updates the row it made instead of making another.
    const retried = await push({ people: { created: [{ ...newPerson('p-uuid-1'), first_name: 'Augusta' }] } });
    expect(retried.json().mappings.people.newItems).toEqual([{ uuid: 'p-uuid-1', id: personId }]);
    expect(Number((await sql("select count(*) as n from person where last_name = 'Lovelace'"))[0]?.n)).toBe(1);
    // Pulls name the uuid of rows a client created.
    const pulled = await t.request(alice, 'POST', '/api/sync/pull', { mappings: { people: null }, limit: 1_000 });
    expect(pulled.json().mappings.people.newItems).toContainEqual({ uuid: 'p-uuid-1', id: personId });
  });

  it('applies updates and deletes; deleting a missing row succeeds', async () => {
    const since = await checkpoints('people');
    const [person] = await sql('select id from person where center_id = 2 order by id limit 1');
    const response = await push({ people: { updated: [{ id: person?.id, last_name: 'Renamed' }], deleted: [999_999] } }, { checkpoints: since });
    expect(response.statusCode).toBe(200);
    expect(response.json().mappings.people.failedItems).toEqual([]);
    expect((await sql('select last_name from person where id = ?', [person?.id]))[0]?.last_name).toBe('Renamed');
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

  async function untilWaiting(count: number): Promise<void> {
    // Where waits cannot be seen (SQLite's writers queue in the driver; MariaDB's processlist and innodb_trx did
    // not show them here), a pause long enough for an in-process request to reach its wait stands in (measured:
    // well under 50 ms).
    const query = lockWaitersQuery[dialect];
    if (!query) return void (await sleep(300));
    const lockWaiters = async () => Number((await sql(query))[0]?.n);
    for (let waited = 0; (await lockWaiters()) < count; waited += 20) {
      if (waited > 10_000) throw new Error(`${count} lock waiters expected, ${await lockWaiters()} seen`);
      await sleep(20);
    }
  }

  it('lets exactly one of two pushes of the same row from the same checkpoint win; the other gets 409', async () => {
    // Both pushes used to pass the conflict check before either had logged its change: both answered 200
    // and one edit vanished. A second session holds the first push after its write, before its commit.
    const since = await checkpoints('people');
    const [person] = await sql('select id from person where center_id = 1 order by id limit 1');
    const { orm: session } = await openDatabase(t.database.url);
    const released = Promise.withResolvers<void>();
    const blocking = Promise.withResolvers<void>();
    // It inserts the first push's batch row uncommitted: that push's own insert of it waits, then rolls back.
    const blocker = session.em
      .fork()
      .transactional(async (em: EntityManager) => {
        // An embedded database's one writer would block the whole push: there the push itself is the race.
        if (dialectNamed(dialect).embedded) return blocking.resolve();
        await em
          .getConnection()
          .execute(
            'insert into sync_batch (client_id, batch_id, subject, response, created_at) values (?, ?, ?, ?, ?)',
            ['race-a', 'race-race-a', 'blocker', '{}', new Date()],
            'run',
            em.getTransactionContext(),
          );
        blocking.resolve();
        await released.promise;
        throw new Error('rolled back on purpose');
      })
      .catch(() => {});
    await blocking.promise;
    try {
      const edit = (clientId: string, lastName: string) =>
        t.request(alice, 'POST', '/api/sync/push', {
          clientId,
          batchId: `race-${clientId}`,
          checkpoints: since,
          changes: { people: { updated: [{ id: person?.id, last_name: lastName }] } },
        });
      const first = edit('race-a', 'First');
      await untilWaiting(1);
      const second = edit('race-b', 'Second');
      await untilWaiting(2);
      released.resolve();
      const answers = await Promise.all([first, second]);
      const statuses = answers.map((answer) => answer.statusCode).sort();
      const [stored] = await sql('select last_name from person where id = ?', [person?.id]);
      const winner = answers.find((answer) => answer.statusCode === 200) === answers[0] ? 'First' : 'Second';
      expect({ statuses, lastName: stored?.last_name }).toEqual({ statuses: [200, 409], lastName: winner });
    } finally {
      released.resolve();
      await blocker;
      await session.close(true);
    }
  });

  it('does not exempt another user who sends the same client id from the conflict check', async () => {
    // The check skipped changes whose origin was the pushing client id, and that id was not bound to a user.
    const admin = await t.login('admin');
    const adminClient = protocolClient(['orders']);
    await pullUntilDone(t, admin, adminClient);
    const [order] = await sql('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id = 1 order by o.id desc limit 1');
    const since = await checkpoints('orders');
    const edit = (token: string, checkpoint: Record<string, string | null>, price: number) =>
      t.request(token, 'POST', '/api/sync/push', {
        clientId: 'shared-id',
        batchId: `shared-${price}`,
        checkpoints: checkpoint,
        changes: { orders: { updated: [{ id: order?.id, total_price: price }] } },
      });
    const first = await edit(alice, since, 4101);
    expect(first.statusCode, first.body).toBe(200);
    expect((await edit(admin, adminClient.checkpoints as Record<string, string>, 4102)).statusCode).toBe(409);
  });

  it('checks a create sent again for a row someone changed since: 409, not an overwrite', async () => {
    const since = await checkpoints('people');
    const created = await push({ people: { created: [newPerson('resent-1')] } }, { checkpoints: since });
    const id = created.json().mappings.people.newItems[0].id;
    const admin = await t.login('admin');
    expect((await t.request(admin, 'PATCH', `/api/people/${id}`, { lastName: 'Newer' })).statusCode).toBe(200);
    // The first device sends its create again from its old checkpoint: it used to overwrite "Newer".
    const resent = await push({ people: { created: [newPerson('resent-1')] } }, { checkpoints: since });
    expect([resent.statusCode, resent.json().error?.code]).toEqual([409, 'SYNC_CONFLICT']);
    expect((await sql('select last_name from person where id = ?', [id]))[0]?.last_name).toBe('Newer');
    // Without a checkpoint, any other writer's change since the row was made is a conflict too.
    expect((await push({ people: { created: [newPerson('resent-1')] } })).statusCode).toBe(409);
  });

  it('refuses a client uuid made of digits, which would take over the server row of that id', async () => {
    const [foreign] = await sql('select id from person where center_id = 3 order by id limit 1');
    const response = await push({ people: { created: [newPerson(String(foreign?.id))] } });
    expect(response.json().mappings.people).toEqual({
      newItems: [],
      failedItems: [{ uuid: String(foreign?.id), errors: [{ field: 'uuid', message: expect.any(String) }] }],
    });
    expect(Number((await sql('select count(*) as n from sync_item where uuid = ?', [String(foreign?.id)]))[0]?.n)).toBe(0);
  });

  it('leaves nothing behind when a push fails part-way', async () => {
    const since = await checkpoints('people');
    const [person] = await sql('select id, last_name from person where center_id = 1 order by id limit 1');
    // The uuid table disappears: the people update is flushed, then recording the created order fails.
    await sql('alter table sync_item rename to sync_item_gone');
    try {
      const response = await push(
        {
          people: { updated: [{ id: person?.id, last_name: 'Half-applied' }] },
          orders: { created: [{ uuid: 'o-fail', person_id: person?.id, status_id: 1, total_price: 1 }] },
        },
        { checkpoints: since },
      );
      expect(response.statusCode).toBe(500);
    } finally {
      await sql('alter table sync_item_gone rename to sync_item');
    }
    expect((await sql('select last_name from person where id = ?', [person?.id]))[0]?.last_name).toBe(person?.last_name);
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

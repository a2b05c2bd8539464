import type { DialectName } from '@sluice/db';
import { pruneSyncLog } from '@sluice/sync';
import { watchPokes } from '@sluice/sync/watermelondb';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-orm.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { WatermelonClient } from './watermelon-client.ts';

const writerBeforeItsNumber: Record<DialectName, string[]> = {
  postgresql: ['select pg_advisory_xact_lock(1936483689, 1937337955)'],
  mariadb: [],
  sqlite: [],
};

describeEachDialect('sync with a real WatermelonDB client', (dialect) => {
  let t: TestApp;
  let alice: string;
  let admin: string;
  let client: WatermelonClient;
  let address: string;
  const sql = (text: string, params: unknown[] = []) => t.orm.em.fork().getConnection().execute(text, params);
  const ids = async (text: string, params: unknown[] = []) => (await sql(text, params)).map((row) => String(row.id));

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 80 });
    alice = await t.login('alice');
    admin = await t.login('admin');
    address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    client = new WatermelonClient(address, () => alice);
    await client.sync();
  });
  afterAll(() => t.close());

  it('first sync downloads exactly the caller’s centers', async () => {
    expect((await client.all('people')).map((raw) => raw.id).sort()).toEqual((await ids('select id from person where center_id in (1, 2)')).sort());
    const orders = await client.all('orders');
    expect(orders.map((raw) => raw.id).sort()).toEqual(
      (await ids('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id in (1, 2)')).sort(),
    );
    expect(JSON.parse(String(orders[0]?.product_ids))).toEqual(expect.any(Array));
    expect(await client.all('statuses')).toHaveLength(5);
  });

  it('pushes offline creates, updates and deletes and pulls a server change in one synchronize()', async () => {
    const [local, server] = await ids(
      'select o.id from customer_order o join person p on p.id = o.person_id where p.center_id in (1, 2) order by o.id limit 2',
    );
    const [activity] = await ids('select a.id from activity a join person p on p.id = a.person_id where p.center_id = 2 order by a.id limit 1');
    await client.update('orders', local as string, { total_price: 5151 });
    await client.remove('activities', activity as string);
    const personId = await client.create('people', { first_name: 'Offline', last_name: 'Created', center_id: 2, gender: 'other' });
    const orderId = await client.create('orders', { person_id: personId, status_id: '2', total_price: 990, product_ids: JSON.stringify(['1', '3']) });
    const patched = await t.request(admin, 'PATCH', `/api/orders/${server}`, { totalPrice: 7272 });
    expect(patched.statusCode, patched.body).toBe(200);

    await client.sync();
    expect(client.lastPushStatus).toBe(200);
    expect((await client.find('orders', server as string))?.total_price).toBe(7272);
    expect((await sql('select total_price from customer_order where id = ?', [local]))[0]?.total_price).toBe(5151);
    expect(await sql('select id from activity where id = ?', [activity])).toHaveLength(0);
    const [created] = await sql("select p.id, p.center_id from person p where p.first_name = 'Offline'");
    expect(Number(created?.center_id)).toBe(2);
    const [order] = await sql('select id, person_id, status_id from customer_order where total_price = 990');
    expect([Number(order?.person_id), Number(order?.status_id)]).toEqual([Number(created?.id), 2]);

    // The next sync brings the client's own rows back under the ids it made: no duplicates.
    await client.sync();
    expect((await client.all('people')).filter((raw) => raw.first_name === 'Offline').map((raw) => raw.id)).toEqual([personId]);
    const again = await client.find('orders', orderId);
    expect(again).toMatchObject({ person_id: personId, total_price: 990, _status: 'synced' });
    expect(JSON.parse(String(again?.product_ids))).toEqual(['1', '3']);
  });

  it('keeps a rejected row dirty and writes nothing for it', async () => {
    const foreign = await client.create('people', { first_name: 'Foreign', last_name: 'Center', center_id: 3 });
    await client.sync();
    expect((client.lastPull as { timestamp: number }).timestamp).toBeGreaterThan(0);
    expect((await client.find('people', foreign))?._status).toBe('created');
    expect(await sql("select id from person where first_name = 'Foreign'")).toHaveLength(0);
    await client.forget('people', foreign);
  });

  it('answers 409 when the server changed a pushed row after the pull, and the retry merges both sides', async () => {
    const [id] = await ids('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id = 1 order by o.id desc limit 1');
    await client.update('orders', id as string, { total_price: 3131 });
    client.beforePush = async () => {
      client.beforePush = null;
      await t.request(admin, 'PATCH', `/api/orders/${id}`, { deliveryDate: '2030-01-02' });
    };
    await expect(client.sync()).rejects.toThrow(/409/);
    expect((await client.find('orders', id as string))?._status).toBe('updated');
    await client.sync();
    const [row] = await sql('select total_price, delivery_date from customer_order where id = ?', [id]);
    expect(row?.total_price).toBe(3131);
    expect(String(row?.delivery_date instanceof Date ? row.delivery_date.toISOString() : row?.delivery_date)).toMatch(/^2030-01-0[12]/);
    expect(await client.find('orders', id as string)).toMatchObject({ total_price: 3131, delivery_date: '2030-01-02', _status: 'synced' });
  });

  it('syncs with the shipped pullChanges/pushChanges, and syncs again when the live stream pokes', async () => {
    const device = new WatermelonClient(address, () => alice);
    await device.syncWithAdapter('tablet-live');
    expect((await device.all('people')).length).toBe((await client.all('people')).length);
    const stop = new AbortController();
    let syncs = 0;
    void watchPokes({
      url: `${address}/api/sync`,
      headers: () => ({ authorization: `Bearer ${alice}` }),
      mappings: ['people'],
      signal: stop.signal,
      onPoke: () => void device.syncWithAdapter('tablet-live').then(() => syncs++),
    });
    try {
      const [person] = await ids('select id from person where center_id = 1 order by id limit 1');
      // Let the stream open before the change, so the poke is the stream's and not a resume's.
      await new Promise((wake) => setTimeout(wake, 300));
      expect((await t.request(admin, 'PATCH', `/api/people/${person}`, { lastName: 'Poked' })).statusCode).toBe(200);
      for (let waited = 0; (await device.find('people', String(person)))?.last_name !== 'Poked'; waited += 50) {
        if (waited > 15_000) throw new Error('no poke reached the device');
        await new Promise((wake) => setTimeout(wake, 50));
      }
      expect(syncs).toBeGreaterThan(0);
    } finally {
      stop.abort();
    }
  });

  it('refuses a last_pulled_at it never issued, on pull and on push', async () => {
    // A timestamp far in the future skipped every change on pull and overwrote newer server edits on push.
    const pulled = await t.request(alice, 'GET', '/api/sync/watermelon?last_pulled_at=null&schema_version=1&migration=null');
    const issued = Number(pulled.json().timestamp);
    const forged = issued + 1_000_000 * 65_536;
    const pull = await t.request(alice, 'GET', `/api/sync/watermelon?last_pulled_at=${forged}&schema_version=1&migration=null`);
    expect([pull.statusCode, pull.json().error?.code]).toEqual([400, 'SYNC_INVALID_CHECKPOINT']);
    const [order] = await ids('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id = 1 order by o.id limit 1');
    const changes = { orders: { created: [], updated: [{ id: order, total_price: 1 }], deleted: [] } };
    const push = await t.request(alice, 'POST', `/api/sync/watermelon?last_pulled_at=${forged}`, { changes });
    expect([push.statusCode, push.json().error?.code]).toEqual([400, 'SYNC_INVALID_CHECKPOINT']);
    expect((await sql('select total_price from customer_order where id = ?', [order]))[0]?.total_price).not.toBe(1);
    // What it issued still works.
    expect((await t.request(alice, 'GET', `/api/sync/watermelon?last_pulled_at=${issued}&schema_version=1&migration=null`)).statusCode).toBe(200);
  });

  it("gives two devices of one user without a client id each other's conflicts", async () => {
    // Without client_id every device of a user shared one origin, so each was exempt from the others' edits.
    const pulled = await t.request(alice, 'GET', '/api/sync/watermelon?last_pulled_at=null&schema_version=1&migration=null');
    const timestamp = pulled.json().timestamp;
    const [order] = await ids('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id = 2 order by o.id limit 1 offset 2');
    const push = (price: number) =>
      t.request(alice, 'POST', `/api/sync/watermelon?last_pulled_at=${timestamp}`, {
        orders: { created: [], updated: [{ id: order, total_price: price }], deleted: [] },
      });
    expect((await push(6101)).statusCode).toBe(200);
    expect((await push(6102)).statusCode).toBe(409);
  });

  it('accepts a timestamp it issued while a writer holds the clock (the watermark may read one lower)', async () => {
    const { orm: session } = await openDatabase(t.database.url);
    try {
      const before = (await t.request(alice, 'GET', '/api/sync/watermelon?last_pulled_at=null&schema_version=1&migration=null')).json().timestamp;
      const held = Promise.withResolvers<void>();
      const holding = Promise.withResolvers<void>();
      // A writer between its lock and its number: PostgreSQL's counter takes the lock first; elsewhere the
      // number is the lock, and this session takes nothing.
      const writer = session.em.fork().transactional(async (em) => {
        for (const statement of writerBeforeItsNumber[dialect]) await em.getConnection().execute(statement, [], 'all', em.getTransactionContext());
        holding.resolve();
        await held.promise;
      });
      await holding.promise;
      const again = await t.request(alice, 'GET', `/api/sync/watermelon?last_pulled_at=${before}&schema_version=1&migration=null`);
      held.resolve();
      await writer;
      expect(again.statusCode, again.body).toBe(200);
    } finally {
      await session.close(true);
    }
  });

  it('deletes locally what left the caller’s centers', async () => {
    const [person] = await ids(
      'select p.id from person p where p.center_id = 1 and exists (select 1 from customer_order o where o.person_id = p.id) order by p.id limit 1',
    );
    const orders = await ids('select id from customer_order where person_id = ?', [person]);
    expect(await client.find('people', person as string)).toBeDefined();
    expect((await t.request(admin, 'PATCH', `/api/people/${person}`, { centerId: 3 })).statusCode).toBe(200);
    await client.sync();
    expect(await client.find('people', person as string)).toBeUndefined();
    for (const order of orders) expect(await client.find('orders', order)).toBeUndefined();
  });

  it('replaces the local data when its checkpoint fell behind the pruned log', async () => {
    await client.sync();
    const [person] = await ids('select id from person where center_id = 2 order by id limit 1');
    // A change the client will only see through the reset, and a stale local row the reset removes.
    await t.request(admin, 'PATCH', `/api/people/${person}`, { lastName: 'AfterPrune' });
    await sql('update sync_change set created_at = created_at');
    await pruneSyncLog(t.orm.em.fork(), new Date(Date.now() + 60_000));
    await client.sync();
    expect(client.lastPull?.experimentalStrategy).toBe('replacement');
    expect((await client.find('people', person as string))?.last_name).toBe('AfterPrune');
    const own = new Map((await sql("select row_id, uuid from sync_item where mapping = 'people'")).map((row) => [String(row.row_id), String(row.uuid)]));
    const expected = (await ids('select id from person where center_id in (1, 2)')).map((id) => own.get(id) ?? id);
    expect((await client.all('people')).map((raw) => raw.id).sort()).toEqual(expected.sort());
  });
});

import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { type ProtocolClient, protocolClient, pullUntilDone } from './sync-client.ts';

const all = ['statuses', 'products', 'people', 'activities', 'orders', 'order_products'];

describeEachDialect('sync protocol', (dialect) => {
  let t: TestApp;
  let alice: string;
  let admin: string;
  const sql = (text: string, params: unknown[] = []) => t.orm.em.fork().getConnection().execute(text, params);
  const count = async (text: string, params: unknown[] = []) => Number((await sql(text, params))[0]?.n);

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 60 });
    alice = await t.login('alice');
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  async function synced(): Promise<ProtocolClient> {
    const client = protocolClient(all);
    await pullUntilDone(t, alice, client, 25);
    return client;
  }

  describe('access', () => {
    it('needs a session and the SYNC role', async () => {
      expect((await t.request(null, 'GET', '/api/sync/summary')).statusCode).toBe(401);
      const bob = await t.login('bob');
      const denied = await t.request(bob, 'POST', '/api/sync/pull', { mappings: { people: null } });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('FORBIDDEN');
    });
  });

  it('downloads exactly the rows of the caller’s centers, paged, then follows the log', async () => {
    const client = await synced();
    expect(client.rows.get('people')?.size).toBe(await count('select count(*) as n from person where center_id in (1, 2)'));
    expect(client.rows.get('orders')?.size).toBe(
      await count('select count(*) as n from customer_order o join person p on p.id = o.person_id where p.center_id in (1, 2)'),
    );
    expect(client.rows.get('statuses')?.size).toBe(5);
    const person = [...(client.rows.get('people')?.values() ?? [])][0] as Record<string, unknown>;
    expect(Object.keys(person).sort()).toEqual(['birthdate', 'center_id', 'first_name', 'gender', 'id', 'last_name', 'nationality']);
    expect([1, 2]).toContain(person.center_id);
    // Nothing changed: the next pull is empty and says so.
    const again = await t.request(alice, 'POST', '/api/sync/pull', { mappings: client.checkpoints });
    for (const page of Object.values(again.json().mappings) as { changes: unknown[]; hasMore: boolean }[])
      expect(page).toMatchObject({ changes: [], hasMore: false });
  });

  it('pages to exactly the server’s state while writes go on', async () => {
    const client = protocolClient(['people']);
    const ids = (await sql('select id from person where center_id in (1, 2, 3) order by id')).map((row) => Number(row.id));
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        const id = ids[(n * 7) % ids.length];
        const body = n % 5 === 4 ? { centerId: (n % 3) + 1 } : { lastName: `Writer${n}` };
        expect((await t.request(admin, 'PATCH', `/api/people/${id}`, body)).statusCode).toBe(200);
      }
    })();
    for (let round = 0; round < 8; round++) await pullUntilDone(t, alice, client, 7);
    writing = false;
    await writer;
    await pullUntilDone(t, alice, client, 7);
    const server = new Map((await sql('select id, last_name from person where center_id in (1, 2)')).map((row) => [String(row.id), row.last_name]));
    const local = new Map([...(client.rows.get('people')?.entries() ?? [])].map(([id, row]) => [id, row.last_name]));
    expect(local).toEqual(server);
  });

  it('sends a changed order, its person (parent) and membership rows', async () => {
    const client = await synced();
    const [order] = await sql('select o.id, o.person_id from customer_order o join person p on p.id = o.person_id where p.center_id = 1 order by o.id limit 1');
    const patch = await t.request(alice, 'PATCH', `/api/orders/${order?.id}`, { totalPrice: 4242 });
    expect(patch.statusCode).toBe(200);
    const before = patch.json().productIds as number[];
    const extra = [1, 2, 3, 4, 5].find((id) => !before.includes(id)) as number;
    expect((await t.request(alice, 'POST', `/api/orders/${order?.id}/products`, { productId: extra })).statusCode).toBe(200);
    const response = await t.request(alice, 'POST', '/api/sync/pull', { mappings: client.checkpoints });
    const pages = response.json().mappings;
    expect(pages.orders.changes).toEqual([
      expect.objectContaining({ id: order?.id, total_price: 4242, product_ids: [...before, extra].sort((a, b) => a - b) }),
    ]);
    expect(pages.people.changes.map((row: { id: number }) => row.id)).toEqual([Number(order?.person_id)]);
    expect(pages.order_products.changes).toEqual([{ id: `${order?.id}:${extra}`, order_id: order?.id, product_id: extra }]);
    await t.request(alice, 'DELETE', `/api/orders/${order?.id}/products/${extra}`);
    const removed = (await t.request(alice, 'POST', '/api/sync/pull', { mappings: { order_products: pages.order_products.checkpoint } })).json().mappings;
    expect(removed.order_products.deletes).toEqual([`${order?.id}:${extra}`]);
  });

  it('turns a move out of the caller’s centers into deletes of the row and the rows that follow it', async () => {
    const client = await synced();
    const [person] = await sql(
      'select p.id from person p where p.center_id = 2 and exists (select 1 from customer_order o where o.person_id = p.id) and exists (select 1 from activity a where a.person_id = p.id) order by p.id limit 1',
    );
    const id = Number(person?.id);
    const orders = (await sql('select id from customer_order where person_id = ?', [id])).map((row) => Number(row.id));
    const activities = (await sql('select id from activity where person_id = ?', [id])).map((row) => Number(row.id));
    expect((await t.request(admin, 'PATCH', `/api/people/${id}`, { centerId: 3 })).statusCode).toBe(200);
    await pullUntilDone(t, alice, client);
    expect(client.rows.get('people')?.has(String(id))).toBe(false);
    for (const order of orders) expect(client.rows.get('orders')?.has(String(order))).toBe(false);
    for (const activity of activities) expect(client.rows.get('activities')?.has(String(activity))).toBe(false);
    expect([...(client.rows.get('order_products')?.keys() ?? [])].some((key) => orders.includes(Number(key.split(':')[0])))).toBe(false);
    // And back: the rows come back with their current state.
    expect((await t.request(admin, 'PATCH', `/api/people/${id}`, { centerId: 1 })).statusCode).toBe(200);
    await pullUntilDone(t, alice, client);
    expect(client.rows.get('people')?.get(String(id))).toMatchObject({ center_id: 1 });
    for (const order of orders) expect(client.rows.get('orders')?.has(String(order))).toBe(true);
    for (const activity of activities) expect(client.rows.get('activities')?.has(String(activity))).toBe(true);
  });

  it('sends deletes for a deleted person and the rows the database cascade removed', async () => {
    const client = await synced();
    const [person] = await sql(
      'select p.id from person p where p.center_id = 1 and exists (select 1 from activity a where a.person_id = p.id) order by p.id desc limit 1',
    );
    const id = Number(person?.id);
    const activities = (await sql('select id from activity where person_id = ?', [id])).map((row) => String(row.id));
    expect(activities.length).toBeGreaterThan(0);
    for (const activity of activities) expect(client.rows.get('activities')?.has(activity)).toBe(true);
    expect((await t.request(alice, 'DELETE', `/api/people/${id}`)).statusCode).toBe(204);
    await pullUntilDone(t, alice, client);
    expect(client.rows.get('people')?.has(String(id))).toBe(false);
    for (const activity of activities) expect(client.rows.get('activities')?.has(activity)).toBe(false);
  });

  it('answers a reset when the caller’s centers change, and a new download follows', async () => {
    const client = await synced();
    const [user] = await sql("select id from app_user where username = 'alice'");
    await sql('delete from app_user_centers where app_user_id = ? and center_id = 2', [user?.id]);
    try {
      alice = await t.login('alice');
      await pullUntilDone(t, alice, client);
      expect(client.resets).toBe(all.length);
      const centers = new Set([...(client.rows.get('people')?.values() ?? [])].map((row) => row.center_id));
      expect([...centers]).toEqual([1]);
    } finally {
      await sql('insert into app_user_centers (app_user_id, center_id) values (?, 2)', [user?.id]);
      alice = await t.login('alice');
    }
  });

  it('answers a reset to a checkpoint older than the pruned log', async () => {
    const client = await synced();
    await t.request(
      alice,
      'PATCH',
      `/api/orders/${(await sql('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id = 1 limit 1'))[0]?.id}`,
      { totalPrice: 7 },
    );
    const { pruneSyncLog } = await import('@sluice/sync');
    const { pruned } = await pruneSyncLog(t.orm.em.fork(), new Date(Date.now() + 60_000));
    expect(pruned).toBeGreaterThan(0);
    const page = (await t.request(alice, 'POST', '/api/sync/pull', { mappings: { orders: client.checkpoints.orders } })).json().mappings.orders;
    expect(page.reset).toBe(true);
    expect(page.changes.length).toBeGreaterThan(0);
  });

  describe('refuses bad checkpoints and requests before any query', () => {
    it('tampered, for another mapping, or from another database', async () => {
      const client = await synced();
      const token = client.checkpoints.people as string;
      const [body, tag] = token.split('.');
      const payload = JSON.parse(Buffer.from(body as string, 'base64url').toString());
      const forged = `${Buffer.from(JSON.stringify({ ...payload, p: [0, 0] })).toString('base64url')}.${tag}`;
      for (const [mappings, code] of [
        [{ people: forged }, 'SYNC_INVALID_CHECKPOINT'],
        [{ orders: token }, 'SYNC_INVALID_CHECKPOINT'],
        [{ people: 'x'.repeat(10) }, 'SYNC_INVALID_CHECKPOINT'],
        [{ nope: null }, 'SYNC_UNKNOWN_MAPPING'],
      ] as const) {
        const response = await t.request(alice, 'POST', '/api/sync/pull', { mappings });
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe(code);
      }
      const other = await startTestApp('sqlite', { people: 1 });
      try {
        const response = await other.request(await other.login('alice'), 'POST', '/api/sync/pull', { mappings: { people: token } });
        expect(response.json().error.code).toBe('SYNC_INVALID_CHECKPOINT');
      } finally {
        await other.close();
      }
    });

    it('malformed payloads answer 400 with codes', async () => {
      const cases: [unknown, string][] = [
        [{ mappings: {} }, 'VALIDATION_FAILED'],
        [{ mappings: { people: 5 } }, 'VALIDATION_FAILED'],
        [{ mappings: { people: null }, limit: 100_000 }, 'VALIDATION_FAILED'],
        [[], 'VALIDATION_FAILED'],
      ];
      for (const [body, code] of cases) {
        const response = await t.request(alice, 'POST', '/api/sync/pull', body);
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe(code);
      }
    });
  });
});

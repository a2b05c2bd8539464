import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';
import { type ProtocolClient, protocolClient, pullUntilDone } from './sync-client.ts';

const all = ['statuses', 'products', 'people', 'activities', 'orders', 'order_products'];

// The protocol itself (paging under writes, moves out of scope, resets after a prune, checkpoints of
// another database, refusals before any query) is tested in packages/sync/test; here, the demo's wiring:
// its routes, sessions, mappings and schema.
describeEachDialect('sync protocol', (dialect) => {
  let t: TestApp;
  let alice: string;
  const sql = (text: string, params: unknown[] = []) => t.orm.em.fork().getConnection().execute(text, params);
  const count = async (text: string, params: unknown[] = []) => Number((await sql(text, params))[0]?.n);

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 60 });
    alice = await t.login('alice');
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

  describe('answers bad checkpoints and requests with 400 and their codes', () => {
    it('tampered, for another mapping, malformed, or an unknown mapping', async () => {
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

import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

describeEachDialect('history API', (dialect) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let admin: string;
  let orderId: number;
  let personId: number;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 10 });
    alice = await t.login('alice');
    bob = await t.login('bob');
    admin = await t.login('admin');
    const person = (await t.request(alice, 'POST', '/api/people', { firstName: 'Ada', lastName: 'Lovelace', centerId: 1 })).json();
    personId = person.id;
    orderId = (await t.request(alice, 'POST', '/api/orders', { personId, productIds: [1], totalPrice: 49_900, deliveryDate: '2025-12-01' })).json().id;
    await t.request(alice, 'PATCH', `/api/orders/${orderId}`, { status: 'Collecting', deliveryDate: '2025-12-03' });
    await t.request(admin, 'POST', `/api/orders/${orderId}/products`, { productId: 2 });
  });
  afterAll(() => t.close());

  it('shows an order history as end users read it, newest first, with actors', async () => {
    const response = await t.request(alice, 'GET', `/api/history/orders/${orderId}?limit=10`);
    expect(response.statusCode, response.body).toBe(200);
    const { items, hasNext } = response.json();
    expect(hasNext).toBe(false);
    expect(items.map((entry: { action: string }) => entry.action)).toEqual(['update', 'update', 'create']);
    expect(items[0]).toMatchObject({
      actor: { username: 'admin' },
      collections: [{ field: 'products', label: 'Products', added: ['Laptop'], removed: [], text: 'Products: added Laptop' }],
    });
    expect(items[1].actor).toMatchObject({ username: 'alice' });
    expect(items[1].changes.map((change: { text: string }) => change.text)).toEqual([
      'Status changed from New to Collecting',
      'Delivery date changed from 2025-12-01 to 2025-12-03',
    ]);
    expect(items[2].changes).toEqual(
      expect.arrayContaining([{ field: 'totalPrice', label: 'Total price', old: null, new: '€499.00', text: 'Total price set to €499.00' }]),
    );
  });

  it('pages history with cursors', async () => {
    const first = (await t.request(alice, 'GET', `/api/history/orders/${orderId}?limit=2`)).json();
    expect(first.items).toHaveLength(2);
    const second = (await t.request(alice, 'GET', `/api/history/orders/${orderId}?limit=2&after=${encodeURIComponent(first.nextCursor)}`)).json();
    expect(second.items.map((entry: { action: string }) => entry.action)).toEqual(['create']);
    // Cursors are signed: a tampered one is refused.
    const [body] = (first.nextCursor as string).split('.');
    const forged = await t.request(alice, 'GET', `/api/history/orders/${orderId}?limit=2&after=${encodeURIComponent(`${body}.AAAAAAAAAAAAAAAAAAAAAA`)}`);
    expect(forged.json().error.code).toBe('PAGINATION_INVALID_CURSOR');
  });

  it('returns the state as of a time, and null after deletion', async () => {
    const entries = (await t.request(alice, 'GET', `/api/history/orders/${orderId}`)).json().items;
    const createdAt = entries.at(-1).at as string;
    const asOf = (await t.request(alice, 'GET', `/api/history/orders/${orderId}/as-of?at=${encodeURIComponent(createdAt)}`)).json();
    expect(asOf.state).toMatchObject({ status: 'New', deliveryDate: '2025-12-01', products: ['TV'] });
    const person = (await t.request(alice, 'POST', '/api/people', { firstName: 'Temp', lastName: 'Person', centerId: 2 })).json();
    await t.request(alice, 'DELETE', `/api/people/${person.id}`);
    const later = new Date(Date.now() + 60_000).toISOString();
    const deleted = (await t.request(alice, 'GET', `/api/history/people/${person.id}/as-of?at=${encodeURIComponent(later)}`)).json();
    expect(deleted).toEqual({ revision: null, at: null, state: null });
    const history = (await t.request(alice, 'GET', `/api/history/people/${person.id}`)).json();
    expect(history.items[0]).toMatchObject({ action: 'delete' });
  });

  it("answers 404 outside the caller's centers or without the HISTORY role, on every endpoint", async () => {
    const carol = bob; // bob: center 3, no roles
    for (const token of [carol]) {
      for (const url of [`/api/history/orders/${orderId}`, `/api/history/orders/${orderId}/as-of?at=2030-01-01T00:00:00Z`, `/api/history/people/${personId}`]) {
        const response = await t.request(token, 'GET', url);
        expect(response.statusCode, url).toBe(404);
      }
      expect((await t.request(token, 'GET', '/api/history')).statusCode).toBe(403);
    }
    // An admin of every center reads it; alice cannot read a center-3 person's history.
    expect((await t.request(admin, 'GET', `/api/history/orders/${orderId}`)).statusCode).toBe(200);
    const bobsPerson = (await t.request(admin, 'POST', '/api/people', { firstName: 'Bob', lastName: 'Side', centerId: 3 })).json();
    expect((await t.request(alice, 'GET', `/api/history/people/${bobsPerson.id}`)).statusCode).toBe(404);
    expect((await t.request(alice, 'GET', '/api/history/robots/1')).statusCode).toBe(400);
    expect((await t.request(alice, 'GET', '/api/history/people/999999')).statusCode).toBe(404);
    // Seeded rows have no history yet: an empty page where the row is visible, 404 where it is not.
    const [seeded] = await t.orm.em
      .getConnection()
      .execute<{ id: number; center_id: number }[]>('select id, center_id from person where center_id = 1 order by id limit 1');
    const empty = await t.request(alice, 'GET', `/api/history/people/${seeded?.id}`);
    expect(empty.statusCode).toBe(200);
    expect(empty.json().items).toEqual([]);
    expect((await t.request(bob, 'GET', `/api/history/people/${seeded?.id}`)).statusCode).toBe(404);
    const [elsewhere] = await t.orm.em.getConnection().execute<{ id: number }[]>('select id from person where center_id = 3 order by id limit 1');
    if (elsewhere) expect((await t.request(alice, 'GET', `/api/history/people/${elsewhere.id}`)).statusCode).toBe(404);
  });

  it("serves a feed limited to the caller's centers, filtered by entity, actor and time", async () => {
    await t.request(admin, 'PATCH', `/api/people/${personId}`, { nationality: 'GB' });
    const feed = (await t.request(alice, 'GET', '/api/history?limit=100')).json();
    expect(feed.items.length).toBeGreaterThan(3);
    const adminFeed = (await t.request(admin, 'GET', '/api/history?limit=100')).json();
    const visible = new Set(feed.items.map((entry: { revision: number; entityId: string }) => `${entry.revision}:${entry.entityId}`));
    const hidden = adminFeed.items.filter(
      (entry: { entity: string; entityId: string; revision: number }) => !visible.has(`${entry.revision}:${entry.entityId}`),
    );
    expect(hidden.length).toBeGreaterThan(0); // the center-3 person created by admin
    const people = (await t.request(alice, 'GET', '/api/history?entity=people&limit=100')).json();
    expect(people.items.every((entry: { entity: string }) => entry.entity === 'people')).toBe(true);
    const byAdmin = (await t.request(alice, 'GET', '/api/history?actorId=1&limit=100')).json();
    expect(byAdmin.items.length).toBeGreaterThan(0);
    expect(byAdmin.items.every((entry: { actor: { username: string } }) => entry.actor.username === 'admin')).toBe(true);
    const future = (await t.request(alice, 'GET', `/api/history?from=${encodeURIComponent('2100-01-01T00:00:00Z')}`)).json();
    expect(future.items).toEqual([]);
  });

  it('applies one rule to an entity’s history and the feed: visible while the entity is in the caller’s centers', async () => {
    const moved = (await t.request(alice, 'POST', '/api/people', { firstName: 'Moving', lastName: 'Away', centerId: 2 })).json().id;
    const entriesOf = async () =>
      (await t.request(alice, 'GET', '/api/history?entity=people&limit=500'))
        .json()
        .items.filter((entry: { entityId: string }) => entry.entityId === String(moved));
    expect(await entriesOf()).toHaveLength(1);
    expect((await t.request(alice, 'GET', `/api/history/people/${moved}`)).statusCode).toBe(200);
    expect((await t.request(admin, 'PATCH', `/api/people/${moved}`, { centerId: 3 })).statusCode).toBe(200);
    expect((await t.request(alice, 'GET', `/api/history/people/${moved}`)).statusCode).toBe(404);
    expect(await entriesOf()).toEqual([]);
    expect((await t.request(admin, 'PATCH', `/api/people/${moved}`, { centerId: 1 })).statusCode).toBe(200);
    expect(await entriesOf()).toHaveLength(3);
  });

  it('attributes concurrent requests to their own users', async () => {
    const ids = await Promise.all(
      [1, 2, 3, 4].map(async () => (await t.request(admin, 'POST', '/api/orders', { personId, totalPrice: 1 })).json().id as number),
    );
    await Promise.all(
      ids.flatMap((id, i) => [
        t.request(alice, 'PATCH', `/api/orders/${id}`, { totalPrice: 1_000 + i }),
        t.request(admin, 'PATCH', `/api/orders/${id}`, { deliveryDate: `2026-01-0${i + 1}` }),
      ]),
    );
    for (const id of ids) {
      const updates = (await t.request(admin, 'GET', `/api/history/orders/${id}`))
        .json()
        .items.filter((entry: { action: string }) => entry.action === 'update');
      expect(updates).toHaveLength(2);
      for (const entry of updates) {
        const field = entry.changes[0].field;
        expect(entry.actor.username).toBe(field === 'totalPrice' ? 'alice' : 'admin');
      }
    }
  });
});

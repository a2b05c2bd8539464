import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

describeEachDialect('CRUD routes', (dialect) => {
  let t: TestApp;
  let alice: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 10 });
    alice = await t.login('alice');
  });
  afterAll(() => t.close());

  it('creates, reads, updates and deletes a person', async () => {
    const created = await t.request(alice, 'POST', '/api/people', {
      firstName: ' Ada ',
      lastName: 'Lovelace',
      gender: 'female',
      birthdate: '1815-12-10',
      nationality: 'GB',
      centerId: 2,
    });
    expect(created.statusCode).toBe(201);
    const person = created.json();
    expect(person).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', gender: 'female', birthdate: '1815-12-10', nationality: 'GB', centerId: 2 });
    expect(new Date(person.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    expect((await t.request(alice, 'GET', `/api/people/${person.id}`)).json()).toEqual(person);
    // The read-only routes map rows, not entities: the same person, to the millisecond.
    const listed = (await t.request(alice, 'GET', '/api/people?limit=500')).json().items;
    expect(listed.find((item: { id: number }) => item.id === person.id)).toEqual(person);

    const patched = await t.request(alice, 'PATCH', `/api/people/${person.id}`, { nationality: null, gender: 'other' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ firstName: 'Ada', nationality: null, gender: 'other', birthdate: '1815-12-10' });

    expect((await t.request(alice, 'DELETE', `/api/people/${person.id}`)).statusCode).toBe(204);
    expect((await t.request(alice, 'GET', `/api/people/${person.id}`)).statusCode).toBe(404);
  });

  it('answers every listed person as the entity answers it, microsecond timestamps included', async () => {
    // The list and the single row map raw rows; a write answers from the entity. A timestamp with
    // microseconds (which a Date cannot hold) must read the same on both paths.
    const [first] = (await t.request(alice, 'GET', '/api/people?limit=1')).json().items;
    const micro = { postgresql: '2024-02-29 23:59:59.123456+00', mariadb: '2024-02-29 23:59:59.123456', sqlite: null }[dialect];
    if (micro) await t.orm.em.getConnection().execute('update person set created_at = ? where id = ?', [micro, first.id]);
    const listed = (await t.request(alice, 'GET', '/api/people?limit=500')).json().items;
    expect(listed.length).toBeGreaterThan(1);
    for (const person of listed) {
      const fromEntity = (await t.request(alice, 'PATCH', `/api/people/${person.id}`, {})).json();
      expect(person, `person ${person.id}`).toEqual(fromEntity);
      expect((await t.request(alice, 'GET', `/api/people/${person.id}`)).json()).toEqual(fromEntity);
    }
    if (micro) expect(listed.find((person: { id: number }) => person.id === first.id).createdAt).toBe('2024-02-29T23:59:59.123Z');
  });

  it('rejects invalid people with VALIDATION_FAILED naming each field', async () => {
    const response = await t.request(alice, 'POST', '/api/people', {
      firstName: '',
      lastName: 'X',
      gender: 'robot',
      birthdate: '1990-02-30',
      nationality: 'ZZ',
      centerId: 1,
      extra: true,
    });
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    const paths = error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['body.firstName', 'body.gender', 'body.birthdate', 'body.nationality', 'body']));
    expect((await t.request(alice, 'GET', '/api/people/abc')).json().error.code).toBe('VALIDATION_FAILED');
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/api/people',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      payload: '{oops',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('manages activities of a visible person', async () => {
    const person = (await t.request(alice, 'POST', '/api/people', { firstName: 'Grace', lastName: 'Hopper', centerId: 1 })).json();
    const created = await t.request(alice, 'POST', '/api/activities', { personId: person.id, typeId: 2, date: '2025-03-04', durationMinutes: 45 });
    expect(created.statusCode).toBe(201);
    const activity = created.json();
    expect(activity).toMatchObject({ personId: person.id, typeId: 2, date: '2025-03-04', durationMinutes: 45 });
    const patched = await t.request(alice, 'PATCH', `/api/activities/${activity.id}`, { durationMinutes: 60, typeId: 3 });
    expect(patched.json()).toMatchObject({ durationMinutes: 60, typeId: 3, date: '2025-03-04' });
    expect((await t.request(alice, 'PATCH', `/api/activities/${activity.id}`, { typeId: 999 })).json().error.code).toBe('NOT_FOUND');
    expect((await t.request(alice, 'PATCH', `/api/activities/${activity.id}`, { durationMinutes: 0 })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await t.request(alice, 'DELETE', `/api/activities/${activity.id}`)).statusCode).toBe(204);
    expect((await t.request(alice, 'GET', `/api/activities/${activity.id}`)).statusCode).toBe(404);
  });

  it('lists the products an order can hold', async () => {
    const { items } = (await t.request(alice, 'GET', '/api/products')).json();
    expect(items.length).toBeGreaterThan(5);
    expect(items[0]).toEqual({ id: 1, name: expect.any(String), price: expect.any(Number) });
    expect((await t.request(null, 'GET', '/api/products')).statusCode).toBe(401);
  });

  it('manages orders and their products', async () => {
    const person = (await t.request(alice, 'POST', '/api/people', { firstName: 'Alan', lastName: 'Turing', centerId: 1 })).json();
    const created = await t.request(alice, 'POST', '/api/orders', { personId: person.id, productIds: [2, 1], totalPrice: 100 });
    expect(created.statusCode).toBe(201);
    const order = created.json();
    expect(order).toMatchObject({ personId: person.id, status: 'New', totalPrice: 100, deliveryDate: null, productIds: [1, 2] });

    const patched = await t.request(alice, 'PATCH', `/api/orders/${order.id}`, { status: 'Collecting', deliveryDate: '2025-12-01', totalPrice: 250 });
    expect(patched.json()).toMatchObject({ status: 'Collecting', deliveryDate: '2025-12-01', totalPrice: 250 });
    expect(new Date(patched.json().updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(order.updatedAt).getTime());
    expect((await t.request(alice, 'PATCH', `/api/orders/${order.id}`, { status: 'Lost' })).json().error.code).toBe('VALIDATION_FAILED');

    expect((await t.request(alice, 'POST', `/api/orders/${order.id}/products`, { productId: 5 })).json().productIds).toEqual([1, 2, 5]);
    expect((await t.request(alice, 'POST', `/api/orders/${order.id}/products`, { productId: 999 })).json().error.code).toBe('NOT_FOUND');
    expect((await t.request(alice, 'DELETE', `/api/orders/${order.id}/products/1`)).json().productIds).toEqual([2, 5]);
    expect((await t.request(alice, 'DELETE', `/api/orders/${order.id}/products/1`)).statusCode).toBe(404);
    expect((await t.request(alice, 'GET', `/api/orders/${order.id}`)).json().productIds).toEqual([2, 5]);

    expect((await t.request(alice, 'DELETE', `/api/orders/${order.id}`)).statusCode).toBe(204);
    expect((await t.request(alice, 'GET', `/api/orders/${order.id}`)).statusCode).toBe(404);
  });

  it('deletes a person together with their activities and orders', async () => {
    const person = (await t.request(alice, 'POST', '/api/people', { firstName: 'Cascade', lastName: 'Test', centerId: 1 })).json();
    const activity = (await t.request(alice, 'POST', '/api/activities', { personId: person.id, typeId: 1, date: '2025-01-01', durationMinutes: 10 })).json();
    const order = (await t.request(alice, 'POST', '/api/orders', { personId: person.id, productIds: [3] })).json();
    expect((await t.request(alice, 'DELETE', `/api/people/${person.id}`)).statusCode).toBe(204);
    expect((await t.request(alice, 'GET', `/api/activities/${activity.id}`)).statusCode).toBe(404);
    expect((await t.request(alice, 'GET', `/api/orders/${order.id}`)).statusCode).toBe(404);
  });
});

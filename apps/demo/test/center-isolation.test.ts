import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

interface Ids {
  person: number;
  activity: number;
  order: number;
}

describeEachDialect('center isolation', (dialect) => {
  let t: TestApp;
  let center1: Ids;
  let center3: Ids;
  let bob: string;
  let alice: string;

  async function idsOfCenter(centerId: number): Promise<Ids> {
    const connection = t.orm.em.getConnection();
    const [row] = await connection.execute<{ person_id: number; activity_id: number; order_id: number }[]>(
      `select p.id as person_id, min(a.id) as activity_id, min(o.id) as order_id
       from person p join activity a on a.person_id = p.id join customer_order o on o.person_id = p.id
       where p.center_id = ${centerId} group by p.id order by p.id limit 1`,
    );
    if (!row) throw new Error(`seed has no person with activity and order in center ${centerId}`);
    return { person: Number(row.person_id), activity: Number(row.activity_id), order: Number(row.order_id) };
  }

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 400 });
    center1 = await idsOfCenter(1);
    center3 = await idsOfCenter(3);
    bob = await t.login('bob');
    alice = await t.login('alice');
  });
  afterAll(() => t.close());

  it('lets a user of center 3 read, change and delete nothing of center 1: 404', async () => {
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/people/${center1.person}`],
      ['PATCH', `/api/people/${center1.person}`, { firstName: 'Mallory' }],
      ['DELETE', `/api/people/${center1.person}`],
      ['GET', `/api/activities/${center1.activity}`],
      ['PATCH', `/api/activities/${center1.activity}`, { durationMinutes: 5 }],
      ['DELETE', `/api/activities/${center1.activity}`],
      ['GET', `/api/orders/${center1.order}`],
      ['PATCH', `/api/orders/${center1.order}`, { status: 'Cancelled' }],
      ['DELETE', `/api/orders/${center1.order}`],
      ['POST', `/api/orders/${center1.order}/products`, { productId: 1 }],
      ['DELETE', `/api/orders/${center1.order}/products/1`],
      ['POST', '/api/activities', { personId: center1.person, typeId: 1, date: '2025-01-01', durationMinutes: 30 }],
      ['POST', '/api/orders', { personId: center1.person }],
    ];
    for (const [method, url, payload] of attempts) {
      const response = await t.request(bob, method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    // Nothing changed behind the 404s.
    const admin = await t.login('admin');
    expect((await t.request(admin, 'GET', `/api/people/${center1.person}`)).json().firstName).not.toBe('Mallory');
    expect((await t.request(admin, 'GET', `/api/activities/${center1.activity}`)).statusCode).toBe(200);
    expect((await t.request(admin, 'GET', `/api/orders/${center1.order}`)).json().status).not.toBe('Cancelled');
  });

  it('lets a user of center 3 work on center 3', async () => {
    expect((await t.request(bob, 'GET', `/api/people/${center3.person}`)).statusCode).toBe(200);
    expect((await t.request(bob, 'GET', `/api/activities/${center3.activity}`)).statusCode).toBe(200);
    expect((await t.request(bob, 'GET', `/api/orders/${center3.order}`)).statusCode).toBe(200);
  });

  it('refuses to create a person in, or move one to, a center the user may not use', async () => {
    const create = await t.request(bob, 'POST', '/api/people', { firstName: 'A', lastName: 'B', centerId: 1 });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe('FORBIDDEN');
    const move = await t.request(bob, 'PATCH', `/api/people/${center3.person}`, { centerId: 1 });
    expect(move.statusCode).toBe(403);
    expect((await t.request(bob, 'GET', `/api/people/${center3.person}`)).json().centerId).toBe(3);
  });

  it('hides center 3 from alice (centers 1 and 2) and shows everything to admin', async () => {
    expect((await t.request(alice, 'GET', `/api/people/${center3.person}`)).statusCode).toBe(404);
    expect((await t.request(alice, 'GET', `/api/people/${center1.person}`)).statusCode).toBe(200);
    const admin = await t.login('admin');
    expect((await t.request(admin, 'GET', `/api/people/${center3.person}`)).statusCode).toBe(200);
  });
});

import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

describeEachDialect('paginated lists', (dialect) => {
  let t: TestApp;
  let admin: string;
  let bob: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 150 });
    admin = await t.login('admin');
    bob = await t.login('bob');
  });
  afterAll(() => t.close());

  async function walk(token: string, url: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let next: string | null = null;
    for (let pages = 0; pages < 1_000; pages++) {
      const response = await t.request(token, 'GET', next ? `${url}&after=${encodeURIComponent(next)}` : url);
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      items.push(...page.items);
      if (!page.hasNext) return items;
      next = page.nextCursor;
    }
    throw new Error('walk does not end');
  }

  it('walks people with a mixed ordering and NULL birthdates, matching SQL', async () => {
    const people = await walk(admin, '/api/people?limit=17&orderBy=-birthdate,lastName');
    const rows = await t.orm.em
      .getConnection()
      .execute<{ id: number; birthdate: string | null; last_name: string }[]>('select id, birthdate, last_name from person');
    expect(people).toHaveLength(rows.length);
    expect(new Set(people.map((p) => p.id)).size).toBe(rows.length);
    // NULL birthdates come first in descending order, then later dates first.
    const birthdates = people.map((p) => p.birthdate as string | null);
    const firstDated = birthdates.findIndex((b) => b !== null);
    expect(birthdates.slice(0, firstDated).every((b) => b === null)).toBe(true);
    expect(birthdates.slice(firstDated).every((b) => b !== null)).toBe(true);
    const dated = birthdates.slice(firstDated) as string[];
    expect(dated).toEqual([...dated].sort().reverse());
  });

  it('answers the page shape with an opt-in total count', async () => {
    const page = (await t.request(admin, 'GET', '/api/activities?limit=3&orderBy=-date&count=true')).json();
    expect(Object.keys(page).sort()).toEqual(['hasNext', 'hasPrevious', 'items', 'nextCursor', 'previousCursor', 'totalCount']);
    const [row] = await t.orm.em.getConnection().execute<{ n: number | string }[]>('select count(*) as n from activity');
    expect(page.totalCount).toBe(Number(row?.n));
    expect(page.items).toHaveLength(3);
    expect('totalCount' in (await t.request(admin, 'GET', '/api/activities?limit=3')).json()).toBe(false);
    const back = (await t.request(admin, 'GET', `/api/activities?limit=3&orderBy=-date&before=${encodeURIComponent(page.nextCursor)}`)).json();
    expect(back.items.map((a: { id: number }) => a.id)).toEqual(page.items.slice(0, 2).map((a: { id: number }) => a.id));
  });

  it("lists only rows of the caller's centers", async () => {
    const people = await walk(bob, '/api/people?limit=50');
    expect(people.length).toBeGreaterThan(0);
    expect(people.every((p) => p.centerId === 3)).toBe(true);
    const orders = await walk(bob, '/api/orders?limit=50&orderBy=-totalPrice');
    const personIds = new Set(people.map((p) => p.id));
    expect(orders.every((o) => personIds.has(o.personId as number))).toBe(true);
    const activities = await walk(bob, '/api/activities?limit=200&orderBy=durationMinutes');
    expect(activities.every((a) => personIds.has(a.personId as number))).toBe(true);
    // Lists name people (and activity types) as readers read them, not by id.
    const names = new Map(people.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));
    expect([...orders, ...activities].every((row) => row.personName === names.get(row.personId as number))).toBe(true);
    expect(activities.every((a) => typeof a.typeName === 'string' && a.typeName.length > 0)).toBe(true);
    const [row] = await t.orm.em
      .getConnection()
      .execute<{ n: number | string }[]>('select count(*) as n from activity a join person p on p.id = a.person_id where p.center_id = 3');
    expect(activities).toHaveLength(Number(row?.n));
  });

  it('answers bad parameters with 400 and a code', async () => {
    const cases: [string, string][] = [
      ['/api/people?limit=0', 'VALIDATION_FAILED'],
      ['/api/people?limit=501', 'VALIDATION_FAILED'],
      ['/api/people?after=a&offset=3', 'VALIDATION_FAILED'],
      ['/api/people?orderBy=password', 'PAGINATION_UNKNOWN_ORDERING'],
      ['/api/people?orderBy=durationMinutes', 'PAGINATION_UNKNOWN_ORDERING'],
      ['/api/people?after=not-a-cursor', 'PAGINATION_INVALID_CURSOR'],
      ['/api/people?offset=10001', 'PAGINATION_OFFSET_TOO_LARGE'],
    ];
    for (const [url, code] of cases) {
      const response = await t.request(admin, 'GET', url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code, url).toBe(code);
    }
    // A cursor made for one ordering is refused for another.
    const page = (await t.request(admin, 'GET', '/api/people?limit=2&orderBy=lastName')).json();
    const reused = await t.request(admin, 'GET', `/api/people?limit=2&orderBy=firstName&after=${encodeURIComponent(page.nextCursor)}`);
    expect(reused.json().error.code).toBe('PAGINATION_INVALID_CURSOR');
  });

  it('orders have products and status in lists', async () => {
    const page = (await t.request(admin, 'GET', '/api/orders?limit=5&orderBy=deliveryDate')).json();
    expect(page.items.length).toBeGreaterThan(0);
    for (const order of page.items) {
      expect(order.productIds.length).toBeGreaterThan(0);
      expect(['New', 'Collecting', 'Shipped', 'Delivered', 'Cancelled']).toContain(order.status);
    }
  });
});

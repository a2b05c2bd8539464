import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';

/**
 * The list routes compile their page SQL once per key (the caller's sorted center ids) and reuse it
 * across users: every user, whatever their centers, must see exactly the rows of their own centers,
 * also when requests of many users run at the same instant and cursors travel between users.
 */

// Users added to the seed; every one has alice's password and roles (EXPORT, HISTORY, SYNC).
// Center links are inserted in the order given, so [2, 1] is stored differently from [1, 2].
const extraUsers: Record<string, number[]> = {
  twoOne: [2, 1],
  twelve: [12],
  oneTwentyThree: [1, 23],
  twelveThree: [12, 3],
  threeTwelve: [3, 12],
  twoThree: [2, 3],
  none: [],
  allButAdmin: [1, 2, 3, 4, 12, 23],
};
const seededUsers: Record<string, number[] | null> = { alice: [1, 2], bob: [3], admin: null };

const routes = {
  people: ['id', 'lastName', 'firstName', 'birthdate', 'createdAt', 'nationality'],
  activities: ['id', 'date', 'durationMinutes'],
  orders: ['id', 'createdAt', 'totalPrice', 'deliveryDate'],
} as const;
type Route = keyof typeof routes;

const limits: Record<Route, number> = { people: 25, activities: 200, orders: 6 };

describeEachDialect('list routes: no rows of another key, with cached statements', (dialect) => {
  let t: TestApp;
  const tokens = new Map<string, string>();
  const centersOf = new Map<string, number[]>();
  /** Ids per route per center. */
  const idsByCenter = new Map<Route, Map<number, Set<number>>>();

  const expected = (user: string, route: Route): Set<number> => {
    const ids = new Set<number>();
    for (const center of centersOf.get(user) ?? []) for (const id of idsByCenter.get(route)?.get(center) ?? []) ids.add(id);
    return ids;
  };

  async function execute<T>(sql: string): Promise<T[]> {
    return t.orm.em.getConnection().execute<T[]>(sql);
  }

  async function loadIds(): Promise<void> {
    const queries: Record<Route, string> = {
      people: 'select id, center_id from person',
      activities: 'select a.id as id, p.center_id as center_id from activity a join person p on p.id = a.person_id',
      orders: 'select o.id as id, p.center_id as center_id from customer_order o join person p on p.id = o.person_id',
    };
    for (const route of Object.keys(queries) as Route[]) {
      const byCenter = new Map<number, Set<number>>();
      for (const row of await execute<{ id: number; center_id: number }>(queries[route])) {
        const center = Number(row.center_id);
        if (!byCenter.has(center)) byCenter.set(center, new Set());
        byCenter.get(center)?.add(Number(row.id));
      }
      idsByCenter.set(route, byCenter);
    }
  }

  async function setCenters(userId: number, centers: number[]): Promise<void> {
    await execute(`delete from app_user_centers where app_user_id = ${userId}`);
    for (const center of centers) await execute(`insert into app_user_centers (app_user_id, center_id) values (${userId}, ${center})`);
  }

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 200, sessionCacheMs: 0 });
    await execute(`insert into center (id, name) values (12, 'Twelve'), (23, 'Twenty-three')`);
    // Move people to the new centers so that every key has rows of its own.
    await execute('update person set center_id = 12 where id % 7 = 0');
    await execute('update person set center_id = 23 where id % 7 = 1');
    const [alice] = await execute<{ password_hash: string; roles: string }>(`select password_hash, roles from app_user where username = 'alice'`);
    let id = 100;
    for (const [name, centers] of Object.entries(extraUsers)) {
      const roles = typeof alice?.roles === 'string' ? alice.roles : JSON.stringify(alice?.roles);
      await execute(
        `insert into app_user (id, username, email, password_hash, roles) values (${id}, '${name}', '${name}@sluice.example', '${alice?.password_hash}', '${roles}')`,
      );
      await setCenters(id, centers);
      id++;
    }
    for (const [name, centers] of Object.entries({ ...seededUsers, ...extraUsers })) {
      tokens.set(name, await t.login(name, name in extraUsers ? 'alice' : name));
      centersOf.set(name, centers ?? [1, 2, 3, 4, 12, 23]);
    }
    await loadIds();
  });
  afterAll(() => t.close());

  async function get(user: string, url: string) {
    const response = await t.request(tokens.get(user) ?? null, 'GET', url);
    return { status: response.statusCode, body: response.json() };
  }

  /** Walks every page forward (or backward from the end), returning the ids in the order served. */
  async function walk(user: string, route: Route, orderBy: string, backward = false): Promise<number[]> {
    const seen: number[] = [];
    const base = `/api/${route}?limit=${limits[route]}&orderBy=${orderBy}`;
    let url = backward ? `${base}&offset=10000` : `${base}&count=true`;
    for (let page = 0; page < 400; page++) {
      const { status, body } = await get(user, url);
      expect(status, `${user} ${url}: ${JSON.stringify(body)}`).toBe(200);
      if (!backward && page === 0) expect(body.totalCount, `${user} ${route} count`).toBe(expected(user, route).size);
      const ids = body.items.map((item: { id: number }) => item.id);
      if (backward) seen.unshift(...ids);
      else seen.push(...ids);
      if (backward ? !body.hasPrevious : !body.hasNext) return seen;
      url = backward ? `${base}&before=${encodeURIComponent(body.previousCursor)}` : `${base}&after=${encodeURIComponent(body.nextCursor)}`;
    }
    throw new Error('walk did not end');
  }

  const users = () => [...tokens.keys()];

  it('every user sees exactly the rows of their centers, on every route, ordering and direction, all at once', async () => {
    for (const route of Object.keys(routes) as Route[]) {
      for (const name of routes[route]) {
        for (const orderBy of [name, `-${name}`]) {
          const walks = await Promise.all(users().map((user) => walk(user, route, orderBy)));
          users().forEach((user, index) => {
            const got = walks[index] ?? [];
            expect(new Set(got).size, `${user} ${route} ${orderBy}: duplicates`).toBe(got.length);
            expect(new Set(got), `${user} ${route} ${orderBy}`).toEqual(expected(user, route));
          });
        }
      }
    }
  });

  it('walking backward from past the end gives the same rows as forward, per user, all at once', async () => {
    for (const orderBy of ['-birthdate', 'nationality', 'lastName']) {
      const [forward, backward] = await Promise.all([
        Promise.all(users().map((user) => walk(user, 'people', orderBy))),
        Promise.all(users().map((user) => walk(user, 'people', orderBy, true))),
      ]);
      users().forEach((user, index) => {
        expect(backward[index], `${user} ${orderBy}`).toEqual(forward[index]);
      });
    }
  });

  it("a cursor minted for one user, replayed by another, gives only the replayer's rows", async () => {
    for (const route of Object.keys(routes) as Route[]) {
      for (const orderBy of [routes[route][1], `-${routes[route][1]}`]) {
        const firstPages = await Promise.all(users().map((user) => get(user, `/api/${route}?limit=2&orderBy=${orderBy}`)));
        // Cursors of a few distinct keys: a pair, a single center, nothing, everything.
        const minters = ['alice', 'twelve', 'none', 'admin'].map((user) => users().indexOf(user));
        const cursors = minters.flatMap((index) => [firstPages[index]?.body.nextCursor, firstPages[index]?.body.previousCursor]).filter(Boolean);
        const replays = users().flatMap((user) =>
          cursors.flatMap((cursor) => [
            get(user, `/api/${route}?limit=50&orderBy=${orderBy}&after=${encodeURIComponent(cursor)}`).then((r) => ({ user, r })),
            get(user, `/api/${route}?limit=50&orderBy=${orderBy}&before=${encodeURIComponent(cursor)}`).then((r) => ({ user, r })),
          ]),
        );
        for (const { user, r } of await Promise.all(replays)) {
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          const allowed = expected(user, route);
          for (const item of r.body.items) expect(allowed.has(item.id), `${user} got ${route} ${item.id}`).toBe(true);
        }
      }
    }
  });

  it('a cursor of one ordering is refused on another', async () => {
    const { body } = await get('alice', '/api/people?limit=3&orderBy=lastName');
    for (const user of users()) {
      for (const orderBy of ['firstName', '-lastName', 'lastName,firstName', 'birthdate']) {
        const r = await get(user, `/api/people?limit=3&orderBy=${orderBy}&after=${encodeURIComponent(body.nextCursor)}`);
        expect(r.status, `${user} ${orderBy}`).toBe(400);
        expect(r.body.error.code).toBe('PAGINATION_INVALID_CURSOR');
      }
      // The same cursor's values on another route of the same ordering name ("id") run as that route.
      const ids = await get('alice', '/api/people?limit=3&orderBy=id');
      const r = await get(user, `/api/orders?limit=50&orderBy=id&after=${encodeURIComponent(ids.body.nextCursor)}`);
      if (r.status === 200) for (const item of r.body.items) expect(expected(user, 'orders').has(item.id)).toBe(true);
    }
  });

  it('offset pages and counts stay per user, all at once', async () => {
    const pages = await Promise.all(
      users().flatMap((user) =>
        [0, 3, 17, 10_000].map((offset) => get(user, `/api/people?limit=20&offset=${offset}&orderBy=-createdAt&count=true`).then((r) => ({ user, r }))),
      ),
    );
    for (const { user, r } of pages) {
      expect(r.status).toBe(200);
      expect(r.body.totalCount, user).toBe(expected(user, 'people').size);
      for (const item of r.body.items) expect(expected(user, 'people').has(item.id), `${user} got person ${item.id}`).toBe(true);
    }
  });

  it("a user whose centers change sees the new centers' rows at once (sessions not cached)", async () => {
    const [row] = await execute<{ id: number }>(`select id from app_user where username = 'twelve'`);
    const id = Number(row?.id);
    expect(new Set(await walk('twelve', 'people', 'lastName'))).toEqual(expected('twelve', 'people'));
    await setCenters(id, [3, 1]);
    centersOf.set('twelve', [1, 3]);
    expect(new Set(await walk('twelve', 'people', 'lastName'))).toEqual(expected('twelve', 'people'));
    expect(new Set(await walk('twelve', 'orders', '-totalPrice'))).toEqual(expected('twelve', 'orders'));
    await setCenters(id, []);
    centersOf.set('twelve', []);
    expect(await walk('twelve', 'people', 'lastName')).toEqual([]);
    expect(await walk('twelve', 'activities', 'date')).toEqual([]);
    await setCenters(id, [12]);
    centersOf.set('twelve', [12]);
    expect(new Set(await walk('twelve', 'people', 'lastName'))).toEqual(expected('twelve', 'people'));
  });

  it('the history feed shows each user the changes of their centers only, all at once', async () => {
    const admin = tokens.get('admin') ?? '';
    // One change per center, to a person, an activity and an order of that center.
    for (const center of [1, 2, 3, 4, 12, 23]) {
      const [person] = [...(idsByCenter.get('people')?.get(center) ?? [])];
      const [activity] = [...(idsByCenter.get('activities')?.get(center) ?? [])];
      const [order] = [...(idsByCenter.get('orders')?.get(center) ?? [])];
      expect((await t.request(admin, 'PATCH', `/api/people/${person}`, { firstName: `C${center}` })).statusCode).toBe(200);
      expect((await t.request(admin, 'PATCH', `/api/activities/${activity}`, { durationMinutes: center })).statusCode).toBe(200);
      if (order) expect((await t.request(admin, 'PATCH', `/api/orders/${order}`, { totalPrice: center })).statusCode).toBe(200);
    }
    const centerOf = (entity: string, id: number): number | undefined => {
      const route = ({ people: 'people', activities: 'activities', orders: 'orders' } as const)[entity as Route];
      for (const [center, ids] of idsByCenter.get(route) ?? []) if (ids.has(id)) return center;
      return undefined;
    };
    const walkFeed = async (user: string): Promise<{ entity: string; entityId: string }[]> => {
      const items: { entity: string; entityId: string }[] = [];
      let url = '/api/history?limit=2';
      for (let page = 0; page < 200; page++) {
        const { status, body } = await get(user, url);
        expect(status, `${user}: ${JSON.stringify(body)}`).toBe(200);
        items.push(...body.items);
        if (!body.hasNext) return items;
        url = `/api/history?limit=2&after=${encodeURIComponent(body.nextCursor)}`;
      }
      throw new Error('feed did not end');
    };
    const everything = await walkFeed('admin');
    const readers = users().filter((user) => user !== 'bob'); // bob lacks the HISTORY role
    expect((await get('bob', '/api/history')).status).toBe(403);
    const feeds = await Promise.all(readers.map((user) => walkFeed(user)));
    readers.forEach((user, index) => {
      const mine = new Set(centersOf.get(user));
      const want = everything.filter((item) => mine.has(centerOf(item.entity, Number(item.entityId)) ?? -1));
      expect(feeds[index], user).toEqual(want);
    });
    // Single-entity history: readable in its own center only.
    const checks = readers.flatMap((user) =>
      everything.map(async (item) => {
        const r = await get(user, `/api/history/${item.entity}/${item.entityId}?limit=1`);
        const visible = (centersOf.get(user) ?? []).includes(centerOf(item.entity, Number(item.entityId)) ?? -1);
        expect(r.status, `${user} ${item.entity} ${item.entityId}`).toBe(visible ? 200 : 404);
      }),
    );
    await Promise.all(checks);
  });
});

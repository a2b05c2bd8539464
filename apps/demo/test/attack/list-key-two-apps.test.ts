import { testDialects } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';

// Compiled page statements are cached per key; two apps in one process (each dialect once, or two
// databases of one dialect) share keys ("people:1,2") but not SQL, connections or rows.
const dialects = testDialects();
const apps: TestApp[] = [];

beforeAll(async () => {
  for (const [index, dialect] of [...dialects, dialects[0] ?? 'sqlite'].entries()) apps.push(await startTestApp(dialect, { people: 40 + 30 * index }));
});
afterAll(async () => {
  for (const app of apps) await app.close();
});

it('two apps in one process, same users and keys, each serves its own database', async () => {
  const tokens = await Promise.all(apps.map((app) => app.login('alice')));
  for (const orderBy of ['lastName', '-birthdate', 'id']) {
    for (const route of ['people', 'orders', 'activities']) {
      const pages = await Promise.all(
        apps.map((app, index) => app.request(tokens[index] ?? '', 'GET', `/api/${route}?limit=500&orderBy=${route === 'people' ? orderBy : 'id'}&count=true`)),
      );
      for (const [index, app] of apps.entries()) {
        const table = {
          people: 'person p',
          orders: 'customer_order o join person p on p.id = o.person_id',
          activities: 'activity a join person p on p.id = a.person_id',
        }[route];
        const [row] = await app.orm.em.getConnection().execute<{ n: number }[]>(`select count(*) as n from ${table} where p.center_id in (1, 2)`);
        const page = pages[index];
        expect(page?.statusCode, `${app.dialect} ${route}: ${page?.body}`).toBe(200);
        expect(page?.json().totalCount, `${app.dialect} ${route}`).toBe(Number(row?.n));
        expect(page?.json().items.length, `${app.dialect} ${route}`).toBe(Math.min(500, Number(row?.n)));
      }
    }
  }
});

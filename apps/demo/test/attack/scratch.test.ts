import { it } from 'vitest';
import { startTestApp } from '../test-app.ts';
it('shapes', async () => {
  const t = await startTestApp('sqlite', { people: 50 });
  const a = await t.login('admin');
  for (const u of ['/api/people?limit=2', '/api/orders?limit=2', '/api/activities?limit=2', '/api/me']) console.log(u, (await t.request(a, 'GET', u)).body);
  const p = (await t.request(a, 'GET', '/api/people?limit=1')).json().items[0];
  console.log((await t.request(a, 'PATCH', `/api/people/${p.id}`, { firstName: "O'B" })).body);
  console.log((await t.request(a, 'GET', `/api/history/people/${p.id}`)).body);
  console.log((await t.request(a, 'GET', `/api/history?limit=5`)).body);
  console.log((await t.request(a, 'GET', `/api/sync/summary`)).body);
  console.log((await t.request(a, 'POST', `/api/sync/pull`, {mappings:{people:null}, limit: 2})).body);
  console.log((await t.request(a, 'GET', `/api/sync/watermelon`)).body.slice(0, 1500));
  console.log(JSON.stringify(await t.orm.em.getConnection().execute('select * from app_user')));
  await t.close();
});

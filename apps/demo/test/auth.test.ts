import { createHash } from 'node:crypto';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppSession } from '../src/db/entities/index.ts';
import { sessionCookie } from '../src/http/auth-plugin.ts';
import { startTestApp, type TestApp } from './test-app.ts';

const protectedRoutes: [string, string][] = [
  ['GET', '/api/people/1'],
  ['POST', '/api/people'],
  ['PATCH', '/api/people/1'],
  ['DELETE', '/api/people/1'],
  ['GET', '/api/activities/1'],
  ['POST', '/api/activities'],
  ['PATCH', '/api/activities/1'],
  ['DELETE', '/api/activities/1'],
  ['GET', '/api/orders/1'],
  ['POST', '/api/orders'],
  ['PATCH', '/api/orders/1'],
  ['DELETE', '/api/orders/1'],
  ['POST', '/api/orders/1/products'],
  ['DELETE', '/api/orders/1/products/1'],
  ['POST', '/api/logout'],
];

describeEachDialect('authentication', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 20 });
  });
  afterAll(() => t.close());

  it('logs in with a token and a session cookie that both authenticate', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'alice', password: 'alice' } });
    expect(response.statusCode).toBe(200);
    const token = response.json().token as string;
    expect(token).toMatch(/^[\w-]{40,}$/);
    const cookie = response.cookies.find((c) => c.name === sessionCookie);
    expect(cookie?.value).toBe(token);
    expect(cookie?.httpOnly).toBe(true);

    const byCookie = await t.app.inject({ method: 'GET', url: '/api/people/1', cookies: { [sessionCookie]: token } });
    expect([200, 404]).toContain(byCookie.statusCode);
    const byBearer = await t.request(token, 'GET', '/api/people/1');
    expect(byBearer.statusCode).toBe(byCookie.statusCode);
  });

  it('tells the UI who is logged in and what they may do (GET /api/me)', async () => {
    expect((await t.request(await t.login('alice'), 'GET', '/api/me')).json()).toMatchObject({
      username: 'alice',
      roles: ['EXPORT', 'HISTORY', 'SYNC'],
      may: { export: true, history: true, sync: true, notify: false },
      scopes: [
        { id: 1, name: 'Brussels' },
        { id: 2, name: 'Antwerp' },
      ],
    });
    expect((await t.request(await t.login('bob'), 'GET', '/api/me')).json()).toMatchObject({
      may: { export: false, history: false, sync: false, notify: false },
      scopes: [{ id: 3 }],
    });
    expect((await t.request(await t.login('admin'), 'GET', '/api/me')).json().scopes).toHaveLength(4);
    expect((await t.request(null, 'GET', '/api/me')).statusCode).toBe(401);
  });

  it('rejects a wrong password and an unknown user alike', async () => {
    for (const payload of [
      { username: 'alice', password: 'wrong' },
      { username: 'nobody', password: 'alice' },
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/login', payload });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('validates the login body', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/login', payload: { username: '' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  it.each(protectedRoutes)('answers 401 on %s %s without credentials or with a bad token', async (method, url) => {
    for (const token of [null, 'not-a-real-token']) {
      const response = await t.request(token, method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Authentication required' } });
    }
  });

  it('ends the session on logout', async () => {
    const token = await t.login('bob');
    expect((await t.request(token, 'POST', '/api/logout')).statusCode).toBe(204);
    expect((await t.request(token, 'GET', '/api/people/1')).statusCode).toBe(401);
  });

  it('sees a logout through another instance within the session cache time, at once without the cache', async () => {
    const uncached = await startTestApp(dialect, { people: 0, sessionCacheMs: 0 });
    try {
      for (const [app, cached] of [
        [t, true],
        [uncached, false],
      ] as const) {
        const token = await app.login('bob');
        expect((await app.request(token, 'GET', '/api/people/1')).statusCode).not.toBe(401);
        // What a logout on another server instance does: the row goes, this instance is not told.
        await app.orm.em.fork().nativeDelete(AppSession, { tokenHash: createHash('sha256').update(token).digest('hex') });
        expect((await app.request(token, 'GET', '/api/people/1')).statusCode === 401).toBe(!cached);
      }
    } finally {
      await uncached.close();
    }
  });

  it('refuses an expired session', async () => {
    const shortLived = await startTestApp(dialect, { people: 0, sessionTtlSeconds: 0 });
    try {
      const token = await shortLived.login('admin');
      expect((await shortLived.request(token, 'GET', '/api/people/1')).statusCode).toBe(401);
    } finally {
      await shortLived.close();
    }
  });

  it('serves health and the OpenAPI document without a session', async () => {
    expect((await t.request(null, 'GET', '/api/health')).json()).toEqual({ status: 'ok' });
    const openapi = (await t.request(null, 'GET', '/docs/json')).json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/people/{id}', '/api/orders/{id}/products', '/api/login']));
    expect(openapi.paths['/api/people'].post.requestBody.content['application/json'].schema.properties.nationality).toBeDefined();
  });

  it('answers unknown routes with ROUTE_NOT_FOUND', async () => {
    const response = await t.request(null, 'GET', '/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});

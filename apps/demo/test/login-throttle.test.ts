import { randomBytes } from 'node:crypto';
import { describeEachDialect, testRedisUrl } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppSession } from '../src/db/entities/index.ts';
import { startTestApp, type TestApp } from './test-app.ts';

describeEachDialect('login throttling and session hygiene', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 1, loginThrottle: { perAddress: 8, perAccount: 3, windowMs: 60_000 } });
  });
  afterAll(() => t.close());

  const login = (app: TestApp, username: string, password: string) => app.app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });

  it('refuses an account after too many attempts with 429 and Retry-After, and only that account', async () => {
    for (let i = 0; i < 3; i++) expect((await login(t, 'alice', 'wrong')).statusCode).toBe(401);
    const refused = await login(t, 'Alice', 'alice');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(t, 'bob', 'bob')).statusCode).toBe(200);
  });

  it('refuses a client address after too many attempts, whatever the accounts', async () => {
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push((await login(t, `nobody${i}`, 'x')).statusCode);
    expect(responses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect((await login(t, 'admin', 'admin')).statusCode).toBe(429);
  });

  it('holds across two server instances sharing Redis', async () => {
    const shared = { perAddress: 100, perAccount: 4, windowMs: 60_000, redisUrl: testRedisUrl(), namespace: `sluice-test-${randomBytes(4).toString('hex')}-` };
    const one = await startTestApp(dialect, { people: 1, loginThrottle: shared });
    const two = await startTestApp(dialect, { people: 1, loginThrottle: shared });
    try {
      expect((await login(one, 'alice', 'wrong')).statusCode).toBe(401);
      expect((await login(two, 'alice', 'wrong')).statusCode).toBe(401);
      expect((await login(one, 'alice', 'wrong')).statusCode).toBe(401);
      expect((await login(two, 'alice', 'wrong')).statusCode).toBe(401);
      expect((await login(one, 'alice', 'alice')).statusCode).toBe(429);
      expect((await login(two, 'alice', 'alice')).statusCode).toBe(429);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('purges expired sessions when someone logs in', async () => {
    // Its own instance: the throttle of this suite is spent by now.
    const app = await startTestApp(dialect, { people: 1 });
    try {
      const past = new Date(Date.now() - 3_600_000);
      for (let i = 0; i < 5; i++)
        await app.orm.em.fork().insert(AppSession, { tokenHash: randomBytes(32).toString('hex'), user: 1, createdAt: past, expiresAt: past });
      expect(await app.orm.em.fork().count(AppSession, { expiresAt: { $lt: new Date() } })).toBe(5);
      expect((await login(app, 'bob', 'bob')).statusCode).toBe(200);
      expect(await app.orm.em.fork().count(AppSession, { expiresAt: { $lt: new Date() } })).toBe(0);
    } finally {
      await app.close();
    }
  });
});

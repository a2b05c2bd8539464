import { ScheduleRunner } from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };
const daily = { cron: '0 7 * * *', timeZone: 'Europe/Brussels', recipients: [] as number[], keepFiles: 3 };

describeEachDialect('export schedules API', (dialect) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let ids: Record<string, number>;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 100 });
    alice = await t.login('alice');
    bob = await t.login('bob');
    const me = async (token: string) => (await t.request(token, 'GET', '/api/me')).json().id as number;
    ids = { alice: await me(alice), bob: await me(bob) };
    daily.recipients = [ids.alice as number];
  });
  afterAll(() => t.close());

  const save = async (body: Record<string, unknown> = {}) =>
    (await t.request(alice, 'POST', '/api/saved-exports', { name: 'Daily', request: listPeople, ...body })).json();
  const schedule = (token: string | null, id: number | string, method = 'GET', body?: unknown) =>
    t.request(token, method, `/api/saved-exports/${id}/schedule`, body);

  it('answers 401 to every schedule route without a session, and lists exporters by name only', async () => {
    const saved = await save();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await schedule(null, saved.id, method, daily);
      expect(response.statusCode, method).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    expect((await t.request(null, 'GET', `/api/saved-exports/${saved.id}/schedule/runs`)).statusCode).toBe(401);
    expect((await t.request(null, 'GET', '/api/users')).statusCode).toBe(401);
    const users = await t.request(alice, 'GET', '/api/users');
    expect(users.statusCode).toBe(200);
    expect(users.json()).toEqual([
      { id: expect.any(Number), username: 'admin' },
      { id: ids.alice, username: 'alice' },
    ]);
    expect((await t.request(bob, 'GET', '/api/users')).json().error.code).toBe('FORBIDDEN');
  });

  it('sets, reads, runs and removes a schedule', async () => {
    const saved = await save();
    expect((await schedule(alice, saved.id)).json().error.code).toBe('SCHEDULE_NOT_FOUND');
    const set = await schedule(alice, saved.id, 'PUT', daily);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ savedExportId: saved.id, cron: '0 7 * * *', enabled: true, recipients: [ids.alice], keepFiles: 3, lastRunAt: null });
    const next = new Date(set.json().nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect((await schedule(alice, saved.id)).json()).toEqual(set.json());

    // The due time comes: a runner on another clock starts alice's task, as alice.
    const runner = new ScheduleRunner({ savedExports: t.tasks.savedExports, now: () => new Date(next.getTime() + 1_000) });
    expect(await runner.tick()).toMatchObject({ claimed: 1, started: 1 });
    const runs = await t.request(alice, 'GET', `/api/saved-exports/${saved.id}/schedule/runs`);
    expect(runs.statusCode).toBe(200);
    expect(runs.json()).toMatchObject([{ dueAt: next.toISOString(), recipientId: ids.alice, status: 'started', reason: null }]);
    const task = await t.request(alice, 'GET', `/api/export-tasks/${runs.json()[0].taskId}`);
    expect(task.json()).toMatchObject({ savedExportId: saved.id, owner: { username: 'alice' } });

    expect((await schedule(alice, saved.id, 'DELETE')).statusCode).toBe(204);
    expect((await schedule(alice, saved.id)).statusCode).toBe(404);
  });

  it('answers 400 with a stable code to an invalid schedule or id', async () => {
    const saved = await save();
    const cases: [unknown, string][] = [
      [{ ...daily, cron: '61 * * * *' }, 'SCHEDULE_INVALID'],
      [{ ...daily, cron: '0 0 7 * * *' }, 'SCHEDULE_INVALID'],
      [{ ...daily, cron: 'every day' }, 'SCHEDULE_INVALID'],
      [{ ...daily, timeZone: 'Europe/Atlantis' }, 'SCHEDULE_INVALID'],
      [{ ...daily, recipients: [999_999] }, 'SCHEDULE_INVALID'],
      [{ ...daily, recipients: [] }, 'VALIDATION_FAILED'],
      [{ ...daily, keepFiles: 0 }, 'VALIDATION_FAILED'],
      [{ ...daily, extra: true }, 'VALIDATION_FAILED'],
      [{ timeZone: 'UTC' }, 'VALIDATION_FAILED'],
      [['not', 'an object'], 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const response = await schedule(alice, saved.id, 'PUT', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code, JSON.stringify(body)).toBe(code);
    }
    for (const id of ['abc', '0', '99999999999']) expect((await schedule(alice, id)).statusCode, id).toBe(400);
  });

  it("answers 404 for another user's unshared saved export, 403 for a shared one that is not theirs", async () => {
    const hidden = await save({ name: 'Alice only' });
    expect((await schedule(alice, hidden.id, 'PUT', daily)).statusCode).toBe(200);
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PUT', '', daily],
      ['DELETE', '', undefined],
      ['GET', '/runs', undefined],
    ] as const) {
      const response = await t.request(bob, method, `/api/saved-exports/${hidden.id}/schedule${suffix}`, body);
      expect(response.statusCode, `${method} ${suffix}`).toBe(404);
      expect(response.json().error.code).toBe('SAVED_EXPORT_NOT_FOUND');
    }
    expect((await schedule(alice, 999_999)).json().error.code).toBe('SAVED_EXPORT_NOT_FOUND');
    const shared = await save({ name: 'Shared with center 3', sharedScopes: ['3'] });
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await schedule(bob, shared.id, method, daily);
      expect(response.statusCode, method).toBe(403);
      expect(response.json().error.code).toBe('SAVED_EXPORT_FORBIDDEN');
    }
    expect((await schedule(alice, hidden.id)).json().recipients).toEqual([ids.alice]);
    await schedule(alice, hidden.id, 'DELETE');
  });
});

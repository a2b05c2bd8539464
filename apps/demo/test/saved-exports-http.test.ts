import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };

describeEachDialect('saved exports API', (dialect) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 200 });
    alice = await t.login('alice');
    bob = await t.login('bob');
  });
  afterAll(() => t.close());

  const save = (token: string | null, body: unknown) => t.request(token, 'POST', '/api/saved-exports', body);

  const waitForEnd = (token: string, id: number) => t.waitForTask(token, id);

  it('answers 401 to every route without a session', async () => {
    const created = (await save(alice, { name: 'Mine', request: listPeople })).json();
    for (const [method, path, body] of [
      ['GET', '', undefined],
      ['POST', '', { name: 'x', request: listPeople }],
      ['GET', `/${created.id}`, undefined],
      ['PUT', `/${created.id}`, { expectedVersion: 1, name: 'y' }],
      ['DELETE', `/${created.id}`, undefined],
      ['POST', `/${created.id}/duplicate`, undefined],
      ['POST', `/${created.id}/run`, undefined],
    ] as const) {
      const response = await t.request(null, method, `/api/saved-exports${path}`, body);
      expect(response.statusCode, `${method} ${path}`).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    expect((await t.request(null, 'POST', '/api/export-tasks/1/rerun')).statusCode).toBe(401);
  });

  it('saves, lists, runs, re-runs and deletes', async () => {
    const created = await save(alice, { name: 'People list', description: 'everyone', request: listPeople });
    expect(created.statusCode, created.body).toBe(201);
    const saved = created.json();
    expect(created.headers.location).toBe(`/api/saved-exports/${saved.id}`);
    expect(saved).toMatchObject({ name: 'People list', description: 'everyone', export: 'list_people', owner: { username: 'alice' }, mine: true, version: 1 });
    expect((await t.request(alice, 'GET', '/api/saved-exports')).json().map((item: { id: number }) => item.id)).toContain(saved.id);

    const run = await t.request(alice, 'POST', `/api/saved-exports/${saved.id}/run`);
    expect(run.statusCode, run.body).toBe(202);
    expect(run.json()).toMatchObject({ export: 'list_people', savedExportId: saved.id, owner: { username: 'alice' } });
    const done = await waitForEnd(alice, run.json().id);
    expect(done.status).toBe('succeeded');

    const rerun = await t.request(alice, 'POST', `/api/export-tasks/${done.id}/rerun`);
    expect(rerun.statusCode, rerun.body).toBe(202);
    expect(rerun.json()).toMatchObject({ savedExportId: saved.id, request: done.request });
    expect(rerun.json().id).not.toBe(done.id);

    const copy = await t.request(alice, 'POST', `/api/saved-exports/${saved.id}/duplicate`);
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({ name: 'People list (copy)', version: 1 });
    expect((await t.request(alice, 'DELETE', `/api/saved-exports/${copy.json().id}`)).statusCode).toBe(204);
    expect((await t.request(alice, 'GET', `/api/saved-exports/${copy.json().id}`)).statusCode).toBe(404);
  });

  it('answers 400 with a stable code to invalid bodies and ids', async () => {
    const cases: [unknown, string][] = [
      [{ request: listPeople }, 'VALIDATION_FAILED'],
      [{ name: '', request: listPeople }, 'VALIDATION_FAILED'],
      [{ name: 'x', request: listPeople, sharedRoles: 'EXPORT' }, 'VALIDATION_FAILED'],
      [{ name: 'x', request: listPeople, extra: 1 }, 'VALIDATION_FAILED'],
      [['not', 'an object'], 'VALIDATION_FAILED'],
      [{ name: 'x', request: { export: 'list_nothing', formatter: { alias: 'csv_list' } } }, 'EXPORT_UNKNOWN_ELEMENT'],
      [{ name: 'x', request: { export: 'list_people' } }, 'EXPORT_INVALID_REQUEST'],
    ];
    for (const [body, code] of cases) {
      const response = await save(alice, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code, JSON.stringify(body)).toBe(code);
    }
    const saved = (await save(alice, { name: 'Valid', request: listPeople })).json();
    for (const body of [{ name: 'no version' }, { expectedVersion: 'one' }, { expectedVersion: 1, name: 7 }]) {
      const response = await t.request(alice, 'PUT', `/api/saved-exports/${saved.id}`, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    for (const id of ['abc', '0', '99999999999']) {
      const response = await t.request(alice, 'PUT', `/api/saved-exports/${id}`, { expectedVersion: 1, name: 'x' });
      expect(response.statusCode, id).toBe(400);
      expect((await t.request(alice, 'GET', `/api/saved-exports/${id}`)).statusCode, id).toBe(400);
    }
  });

  it('answers 404 for another user’s saved export and task, as for a missing one', async () => {
    const saved = (await save(alice, { name: 'Alice only', request: listPeople })).json();
    const task = (await t.request(alice, 'POST', `/api/saved-exports/${saved.id}/run`)).json();
    for (const [method, path, body] of [
      ['GET', `/api/saved-exports/${saved.id}`, undefined],
      ['PUT', `/api/saved-exports/${saved.id}`, { expectedVersion: 1, name: 'Bob’s' }],
      ['DELETE', `/api/saved-exports/${saved.id}`, undefined],
      ['POST', `/api/saved-exports/${saved.id}/duplicate`, undefined],
      ['POST', `/api/saved-exports/${saved.id}/run`, undefined],
      ['GET', '/api/saved-exports/999999', undefined],
    ] as const) {
      const response = await t.request(bob, method, path, body);
      expect(response.statusCode, `${method} ${path}`).toBe(404);
      expect(response.json().error.code).toBe('SAVED_EXPORT_NOT_FOUND');
    }
    expect((await t.request(bob, 'GET', '/api/saved-exports')).json().map((item: { id: number }) => item.id)).not.toContain(saved.id);
    const rerun = await t.request(bob, 'POST', `/api/export-tasks/${task.id}/rerun`);
    expect(rerun.statusCode).toBe(404);
    expect(rerun.json().error.code).toBe('NOT_FOUND');
  });

  it('answers 409 to an update from a stale version, 403 to a non-owner it is shared with', async () => {
    const saved = (await save(alice, { name: 'Versioned', request: listPeople, sharedScopes: ['3'] })).json();
    const first = await t.request(alice, 'PUT', `/api/saved-exports/${saved.id}`, { expectedVersion: 1, name: 'Second name' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ name: 'Second name', version: 2 });
    const stale = await t.request(alice, 'PUT', `/api/saved-exports/${saved.id}`, { expectedVersion: 1, name: 'Lost update' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'SAVED_EXPORT_VERSION_CONFLICT', details: { currentVersion: 2 } });
    expect((await t.request(alice, 'GET', `/api/saved-exports/${saved.id}`)).json().name).toBe('Second name');

    // Bob (center 3) sees it, but may not change it, and may not run it: he lacks the EXPORT role.
    expect((await t.request(bob, 'GET', `/api/saved-exports/${saved.id}`)).json()).toMatchObject({ mine: false, owner: { username: 'alice' } });
    const edit = await t.request(bob, 'PUT', `/api/saved-exports/${saved.id}`, { expectedVersion: 2, name: 'Bob’s' });
    expect(edit.statusCode).toBe(403);
    expect(edit.json().error.code).toBe('SAVED_EXPORT_FORBIDDEN');
    expect((await t.request(bob, 'DELETE', `/api/saved-exports/${saved.id}`)).json().error.code).toBe('SAVED_EXPORT_FORBIDDEN');
    const run = await t.request(bob, 'POST', `/api/saved-exports/${saved.id}/run`);
    expect(run.statusCode).toBe(403);
    expect(run.json().error.code).toBe('EXPORT_FORBIDDEN');
  });
});

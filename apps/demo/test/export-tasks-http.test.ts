import { ExportTask } from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };

describeEachDialect('export tasks API', (dialect) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 1_500, tasks: { tuning: { rateLimit: { maxPerWindow: 8, windowMs: 60_000, maxLive: 50 } } } });
    alice = await t.login('alice');
    bob = await t.login('bob');
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  const waitForEnd = (token: string, id: number) => t.waitForTask(token, id);

  it('runs a list export in the background and serves the file to its owner', async () => {
    const created = await t.request(alice, 'POST', '/api/export-tasks', { ...listPeople, remark: 'for the board' });
    expect(created.statusCode, created.body).toBe(202);
    const task = created.json();
    expect(created.headers.location).toBe(`/api/export-tasks/${task.id}`);
    expect(task).toMatchObject({ export: 'list_people', remark: 'for the board', owner: { username: 'alice' }, createdBy: 'alice' });
    // In words for the reader, not aliases.
    expect(task).toMatchObject({ title: 'List people', description: ['List people'], formatter: 'CSV (list)' });
    expect(['queued', 'running', 'succeeded']).toContain(task.status);

    const done = await waitForEnd(alice, task.id);
    const [row] = await t.orm.em.getConnection().execute<{ n: number }[]>('select count(*) as n from person where center_id in (1, 2)');
    expect(done).toMatchObject({ status: 'succeeded', totalCount: Number(row?.n), processedCount: Number(row?.n), attempts: 1, error: null });
    expect(done.file).toMatchObject({ rows: Number(row?.n), contentType: 'text/csv; charset=utf-8', expired: false });
    // Peak memory is an operator's figure: admins see it, the owner does not.
    expect(done.peakMemoryBytes).toBeNull();
    expect((await t.request(admin, 'GET', `/api/export-tasks/${task.id}`)).json().peakMemoryBytes).toBeGreaterThan(0);

    const download = await t.request(alice, 'GET', `/api/export-tasks/${task.id}/download`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="list-people-${task.id}-\\d{4}-\\d\\d-\\d\\d\\.csv"`));
    expect(Number(download.headers['content-length'])).toBe(done.file?.size);
    const lines = parse(download.body) as string[][];
    expect(lines).toHaveLength(Number(row?.n) + 1);
    const direct = await t.request(alice, 'POST', '/api/exports/download', listPeople);
    expect(download.body).toBe(direct.body);
  });

  it('lists only my tasks, newest first, with cursors', async () => {
    const first = (await t.request(alice, 'POST', '/api/export-tasks', { export: 'count_people', formatter: { alias: 'csv' } })).json();
    const second = (await t.request(alice, 'POST', '/api/export-tasks', { export: 'count_people', formatter: { alias: 'xlsx' } })).json();
    const page = (await t.request(alice, 'GET', '/api/export-tasks?limit=2')).json();
    expect(page.items.map((task: { id: number }) => task.id)).toEqual([second.id, first.id]);
    expect(page.hasNext).toBe(true);
    const next = (await t.request(alice, 'GET', `/api/export-tasks?limit=50&after=${page.nextCursor}`)).json();
    expect(next.items.every((task: { owner: { username: string } }) => task.owner.username === 'alice')).toBe(true);
    expect((await t.request(bob, 'GET', '/api/export-tasks')).json().items).toEqual([]);
    await waitForEnd(alice, second.id);
    const xlsx = await t.request(alice, 'GET', `/api/export-tasks/${second.id}/download`);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('hides a task, its file and its events from everyone but the owner and admins', async () => {
    const task = (await t.request(alice, 'POST', '/api/export-tasks', listPeople)).json();
    await waitForEnd(alice, task.id);
    expect((await t.request(alice, 'POST', `/api/export-tasks/${task.id}/cancel`)).json().error.code).toBe('EXPORT_TASK_NOT_CANCELLABLE');
    expect((await t.request(alice, 'POST', `/api/export-tasks/${task.id}/retry`)).json().error.code).toBe('EXPORT_TASK_NOT_RETRYABLE');
    for (const path of ['', '/download', '/events']) {
      const response = await t.request(bob, 'GET', `/api/export-tasks/${task.id}${path}`);
      expect(response.statusCode, path).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    for (const action of ['cancel', 'retry']) expect((await t.request(bob, 'POST', `/api/export-tasks/${task.id}/${action}`)).statusCode).toBe(404);
    expect((await t.request(bob, 'GET', '/api/export-tasks/999999')).statusCode).toBe(404);
    expect((await t.request(null, 'GET', `/api/export-tasks/${task.id}`)).statusCode).toBe(401);
    const seenByAdmin = await t.request(admin, 'GET', `/api/export-tasks/${task.id}`);
    expect(seenByAdmin.statusCode).toBe(200);
    expect((await t.request(admin, 'GET', `/api/export-tasks/${task.id}/download`)).statusCode).toBe(200);
  });

  it('takes no path from the caller', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '1%2F..%2F..%2Fpackage.json', '-1', '1.5', 'abc']) {
      const response = await t.request(alice, 'GET', `/api/export-tasks/${id}/download`);
      expect([400, 404], id).toContain(response.statusCode);
      expect(response.body).not.toContain('root:');
    }
  });

  it('rejects bad requests before queueing anything', async () => {
    const cases: [unknown, number, string][] = [
      [{ export: 'nope', formatter: { alias: 'csv' } }, 400, 'EXPORT_UNKNOWN_ELEMENT'],
      [
        { export: 'count_people', formatter: { alias: 'csv' }, filters: { person_birthdate: { from: '2000-01-01', to: '1990-01-01' } } },
        400,
        'EXPORT_INVALID_PARAMETERS',
      ],
      [{ ...listPeople, remark: 'x'.repeat(501) }, 400, 'VALIDATION_FAILED'],
      [{ ...listPeople, scopes: [3] }, 403, 'EXPORT_FORBIDDEN'],
    ];
    const before = (await t.request(alice, 'GET', '/api/export-tasks?limit=100')).json().items.length;
    for (const [body, status, code] of cases) {
      const response = await t.request(alice, 'POST', '/api/export-tasks', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect((await t.request(bob, 'POST', '/api/export-tasks', listPeople)).json().error.code).toBe('EXPORT_FORBIDDEN');
    expect((await t.request(alice, 'GET', '/api/export-tasks?limit=100')).json().items.length).toBe(before);
  });

  it('streams progress events until the task ends', async () => {
    const task = (await t.request(alice, 'POST', '/api/export-tasks', listPeople)).json();
    const response = await t.request(alice, 'GET', `/api/export-tasks/${task.id}/events`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = response.body
      .trim()
      .split('\n\n')
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') }));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'succeeded' } });
    const counts = events.map((e) => e.data.processedCount as number);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('cancels a queued task, retries it, and refuses what makes no sense', async () => {
    await t.tasks.worker?.stop();
    try {
      const task = (await t.request(alice, 'POST', '/api/export-tasks', listPeople)).json();
      const cancelled = await t.request(alice, 'POST', `/api/export-tasks/${task.id}/cancel`);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', updatedBy: 'alice' });
      expect((await t.request(alice, 'POST', `/api/export-tasks/${task.id}/cancel`)).json().status).toBe('cancelled');
      expect((await t.request(alice, 'GET', `/api/export-tasks/${task.id}/download`)).json().error.code).toBe('EXPORT_TASK_NOT_READY');
      const retried = await t.request(alice, 'POST', `/api/export-tasks/${task.id}/retry`);
      expect(retried.statusCode).toBe(202);
      expect(retried.json()).toMatchObject({ status: 'queued', attempts: 0 });
      expect((await t.request(alice, 'POST', `/api/export-tasks/${task.id}/retry`)).json().error.code).toBe('EXPORT_TASK_NOT_RETRYABLE');
    } finally {
      t.tasks.worker?.start();
    }
  });

  it('limits how many tasks a user creates per minute', async () => {
    let status = 0;
    let body: { error?: { code: string; details: { retryAfterSeconds: number } } } = {};
    let retryAfter: unknown;
    for (let i = 0; i < 10 && status !== 429; i++) {
      const response = await t.request(admin, 'POST', '/api/export-tasks', { export: 'count_people', formatter: { alias: 'csv' } });
      status = response.statusCode;
      body = response.json();
      retryAfter = response.headers['retry-after'];
    }
    expect(status).toBe(429);
    expect(body.error?.code).toBe('RATE_LIMITED');
    expect(body.error?.details.retryAfterSeconds).toBeGreaterThan(0);
    // The header was missing here while login 429s carried it.
    expect(retryAfter).toBe(String(body.error?.details.retryAfterSeconds));
    expect((await t.request(alice, 'POST', '/api/export-tasks', { export: 'count_people', formatter: { alias: 'csv' } })).statusCode).toBe(202);
  });

  it('holds the per-minute limit when 50 requests arrive at once', async () => {
    const bob = await startTestApp(dialect, { people: 10, tasks: { workers: 0, tuning: { rateLimit: { maxPerWindow: 8, windowMs: 60_000, maxLive: 50 } } } });
    try {
      const token = await bob.login('admin');
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => bob.request(token, 'POST', '/api/export-tasks', { export: 'count_people', formatter: { alias: 'csv' } })),
      );
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status !== 202 && status !== 429).map((_, i) => responses[i]?.body)).toEqual([]);
      expect(statuses.filter((status) => status === 202)).toHaveLength(8);
      expect(statuses.filter((status) => status === 429)).toHaveLength(42);
      expect(await bob.orm.em.fork().count(ExportTask, {})).toBe(8);
    } finally {
      await bob.close();
    }
  });
});

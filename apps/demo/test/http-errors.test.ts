import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

/** Inputs that once answered 5xx or a body without the error shape; each must be a 4xx with a code. */
describeEachDialect('HTTP errors keep their shape and stay 4xx', (dialect) => {
  let t: TestApp;
  let alice: string;
  const json = (payload: string) => ({ authorization: `Bearer ${alice}`, 'content-type': 'application/json', payload });

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 5 });
    alice = await t.login('alice');
  });
  afterAll(() => t.close());

  function expectError(response: { statusCode: number; json(): unknown }, status: number, code: string): void {
    expect([response.statusCode, (response.json() as { error?: { code?: string } }).error?.code]).toEqual([status, code]);
  }

  it('ids: digits only, within the column, short', async () => {
    for (const id of ['0x2', '1e1', '0b11', '%202', '2.0', '0', '-1', '2147483648'])
      expectError(await t.request(alice, 'GET', `/api/people/${id}`), 400, 'VALIDATION_FAILED');
    expectError(await t.request(alice, 'GET', `/api/people/${'9'.repeat(5_000)}`), 414, 'URI_TOO_LONG');
    expectError(await t.request(alice, 'GET', '/api/export-tasks/1e1'), 400, 'VALIDATION_FAILED');
    expectError(await t.request(alice, 'GET', '/api/people/%zz'), 400, 'MALFORMED_REQUEST');
  });

  it('text a database cannot store: NUL and lone surrogates, in bodies and query strings', async () => {
    const { authorization, 'content-type': type } = json('');
    const headers = { authorization, 'content-type': type };
    for (const payload of [
      '{"firstName":"a\\u0000b","lastName":"x","centerId":1}',
      '{"firstName":"\\ud800","lastName":"x","centerId":1}',
      '{"firstName":"ok","lastName":"\\udc00x","centerId":1}',
    ])
      expectError(await t.app.inject({ method: 'POST', url: '/api/people', headers, payload }), 400, 'VALIDATION_FAILED');
    const [order] = await t.orm.em
      .fork()
      .getConnection()
      .execute('select o.id from customer_order o join person p on p.id = o.person_id where p.center_id in (1, 2) limit 1');
    if (order)
      expectError(
        await t.app.inject({ method: 'PATCH', url: `/api/orders/${order.id}`, headers, payload: '{"totalPrice":2147483648}' }),
        400,
        'VALIDATION_FAILED',
      );
    expectError(await t.request(alice, 'GET', '/api/people?orderBy=%00'), 400, 'VALIDATION_FAILED');
    expect(Number((await t.orm.em.fork().getConnection().execute("select count(*) as n from person where last_name = 'x'"))[0]?.n)).toBe(0);
  });

  it('bodies: not JSON, too large, wrong type', async () => {
    const headers = { authorization: `Bearer ${alice}` };
    expectError(
      await t.app.inject({ method: 'POST', url: '/api/people', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'hi' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(
      await t.app.inject({ method: 'POST', url: '/api/people', headers: { ...headers, 'content-type': 'application/json' }, payload: '{' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await t.app.inject({
        method: 'POST',
        url: '/api/people',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: `{"a":"${'x'.repeat(2_000_000)}"}`,
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('headers too large, answered by the HTTP server before any route', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${base}/api/people?x=${'y'.repeat(100_000)}`, { headers: { authorization: `Bearer ${alice}` } });
    expect(response.status).toBe(431);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('a succeeded task whose file is gone answers 410', async () => {
    const created = await t.request(alice, 'POST', '/api/export-tasks', { export: 'list_people', formatter: { alias: 'csv_list' } });
    expect(created.statusCode, created.body).toBe(202);
    const id = created.json().id;
    for (let i = 0; i < 400 && (await t.request(alice, 'GET', `/api/export-tasks/${id}`)).json().status !== 'succeeded'; i++)
      await new Promise((wake) => setTimeout(wake, 25));
    for (const file of await readdir(t.exportDirectory)) if (file.startsWith(`${id}-`)) await rm(join(t.exportDirectory, file));
    expectError(await t.request(alice, 'GET', `/api/export-tasks/${id}/download`), 410, 'EXPORT_TASK_FILE_MISSING');
  });
});

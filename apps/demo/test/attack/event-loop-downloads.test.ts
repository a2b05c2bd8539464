import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';

/**
 * Attack on nextTurn: while a big download is served (a CSV or XLSX list, a WatermelonDB first sync),
 * a request made after it started must be answered before it ends. Over better-sqlite3 nothing awaits
 * I/O, so without turns between pages the whole download is one turn of the event loop. No timing: the
 * order in which answers complete.
 */
describeEachDialect('attack: other requests are answered while a big download is served', (dialect) => {
  let t: TestApp;
  let alice: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 40_000 });
    alice = await t.login('alice');
  });
  afterAll(() => t.close());

  /** Starts `download`, lets it get under way, then makes `other`; the order their answers came in. */
  async function order(download: () => Promise<{ statusCode: number; body: string }>, other: () => Promise<{ statusCode: number }>): Promise<string[]> {
    const done: string[] = [];
    const big = download().then((response) => {
      done.push('download');
      return response;
    });
    // A few turns so the download has read its first page.
    for (let turn = 0; turn < 3; turn++) await new Promise((wake) => setImmediate(wake));
    const small = other().then((response) => {
      done.push('other');
      return response;
    });
    const [bigResponse, smallResponse] = await Promise.all([big, small]);
    expect(bigResponse.statusCode, bigResponse.body.slice(0, 300)).toBe(200);
    expect(smallResponse.statusCode).toBe(200);
    expect(bigResponse.body.length).toBeGreaterThan(300_000);
    return done;
  }

  const health = () => t.app.inject({ method: 'GET', url: '/api/health' });
  const peopleList = () => t.request(alice, 'GET', '/api/people?limit=5');

  it('answers a health check during a CSV list download', async () => {
    expect(await order(() => t.request(alice, 'POST', '/api/exports/download', { export: 'list_people', formatter: { alias: 'csv_list' } }), health)).toEqual([
      'other',
      'download',
    ]);
  });

  it('answers an API read during an XLSX list download', async () => {
    expect(await order(() => t.request(alice, 'POST', '/api/exports/download', { export: 'list_people', formatter: { alias: 'xlsx' } }), peopleList)).toEqual([
      'other',
      'download',
    ]);
  });

  it('answers a health check during a JSON list download', async () => {
    expect(await order(() => t.request(alice, 'POST', '/api/exports/download', { export: 'list_people', formatter: { alias: 'json' } }), health)).toEqual([
      'other',
      'download',
    ]);
  });

  it('answers a health check during a WatermelonDB first sync', async () => {
    expect(await order(() => t.request(alice, 'GET', '/api/sync/watermelon?last_pulled_at=null&schema_version=1&migration=null'), health)).toEqual([
      'other',
      'download',
    ]);
  });
});

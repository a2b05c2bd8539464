import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryTaskStorage, exportTaskViewSchema, savedExportViewSchema } from '@sluice/export';
import { pageResponseSchema } from '@sluice/pagination';
import { summaryResponseSchema } from '@sluice/sync';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../apps/demo/test/test-app.ts';
import { perChunk, slowed } from '../../export/test/slow-storage.ts';
import type { ExportRequestInput, ExportTask } from '../src/server-types.ts';
import { SluiceApiError } from '../src/sluice-api-error.ts';
import { createSluiceClient, type SluiceClient } from '../src/sluice-client.ts';
import { fetchEventSource } from './fetch-event-source.ts';

const countPeople: ExportRequestInput = {
  export: 'count_people',
  filters: { person_birthdate: { from: '1960-01-01', to: '1999-12-31' } },
  aggregators: { person_gender: {} },
  formatter: { alias: 'csv', params: {} },
};
const listPeople: ExportRequestInput = { export: 'list_people', formatter: { alias: 'csv_list', params: {} } };

/** The error a call fails with (the test fails if it does not). */
async function failure(call: Promise<unknown>): Promise<SluiceApiError> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof SluiceApiError)) throw new Error(`expected a SluiceApiError, got ${String(error)}`);
  return error;
}

/** Follows a task's events with the client until it ends; answers every task the listener saw. */
function watchToEnd(client: SluiceClient, id: number): Promise<{ progress: ExportTask[]; end: ExportTask }> {
  const progress: ExportTask[] = [];
  return new Promise((resolve, reject) => {
    client.watchTask(id, { progress: (task) => progress.push(task), end: (end) => resolve({ progress, end }), error: () => reject(new Error('stream broke')) });
  });
}

describeEachDialect('@sluice/react client against the demo', (dialect) => {
  let t: TestApp;
  let client: SluiceClient;
  let events: ReturnType<typeof fetchEventSource>;
  let token: string;
  beforeAll(async () => {
    // Task files written slowly, so a second task waits in the queue long enough to be cancelled.
    const storage = slowed(new DirectoryTaskStorage(await mkdtemp(join(tmpdir(), 'sluice-react-tasks-'))), perChunk(40));
    t = await startTestApp(dialect, { people: 300, tasks: { tuning: { storage, checkpointMs: 0, pageSize: 25 }, worker: { pollMs: 50 } } });
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    token = await t.login('alice');
    const headers = { authorization: `Bearer ${token}` };
    events = fetchEventSource(headers);
    client = createSluiceClient({
      baseUrl: `${base}/`,
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
      EventSource: events.EventSource,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the offered exports with their type, kind, elements and formatter extensions', async () => {
    const exports = await client.exports();
    const count = exports.find((offered) => offered.alias === 'count_people');
    expect(count).toMatchObject({ kind: 'tabular', type: expect.any(String), title: 'Count people' });
    expect(count?.aggregators.map((aggregator) => aggregator.alias)).toContain('person_gender');
    expect(count?.formatters.find((formatter) => formatter.alias === 'csv')).toMatchObject({ extension: 'csv', parameters: expect.any(Object) });
  });

  it('checks a request into sentences, and answers a bad one with the server code and each field issue', async () => {
    const check = await client.checkExport(countPeople);
    expect(check.formatter).toBe('CSV');
    expect(check.description.join(' ')).toMatch(/people.*birthdate.*gender/is);
    const bad = await failure(client.checkExport({ ...countPeople, filters: { person_birthdate: { from: '2000-01-01', to: '1990-01-01' } } }));
    expect({ status: bad.status, code: bad.code }).toEqual({ status: 400, code: 'EXPORT_INVALID_PARAMETERS' });
    expect(bad.issues).toEqual([{ path: 'filters.person_birthdate.to', message: '"to" must not be before "from"' }]);
    expect(bad.message).toContain('"to" must not be before "from"');
  });

  it('previews the same rows the API answers, and downloads the file under the server name', async () => {
    const preview = await client.previewExport(countPeople);
    const api = (await t.request(token, 'POST', '/api/exports/preview', countPeople)).json();
    expect(preview).toEqual(api);
    expect(preview.rows.length).toBeGreaterThan(1);
    const file = await client.downloadExport(countPeople);
    expect(file.name).toMatch(/^count-people.*\.csv$/);
    const lines = (await file.blob.text()).trim().split(/\r?\n/);
    expect(lines).toHaveLength(preview.rows.length + 1);
  });

  it('queues a task, follows its events to the end (then closes the stream), lists, reads and downloads it', async () => {
    const created = await client.createTask(listPeople);
    expect(exportTaskViewSchema.parse(created)).toEqual(created);
    const { progress, end } = await watchToEnd(client, created.id);
    expect(progress.length).toBeGreaterThan(0);
    // alice sees two of the four centers: the rows are hers, all of them.
    expect(end).toMatchObject({ id: created.id, status: 'succeeded', processedCount: end.totalCount });
    const counts = [...progress, end].map((task) => task.processedCount);
    expect(counts).toEqual(counts.toSorted((a, b) => a - b));
    expect(events.opened.at(-1)).toEqual({ url: client.url(`/api/export-tasks/${created.id}/events`), closed: true });
    expect(await client.task(created.id)).toEqual(end);
    const page = await client.tasks({ limit: 5 });
    expect(pageResponseSchema(exportTaskViewSchema).parse(page)).toEqual(page);
    expect(page.items[0]?.id).toBe(created.id);
    const file = await fetch(client.taskDownloadUrl(created.id), { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    expect((await file.text()).trim().split(/\r?\n/)).toHaveLength(end.processedCount + 1);
  });

  it('cancels a queued task and retries it; a finished one refuses both with 409 and its code', async () => {
    const running = await client.createTask(listPeople);
    const waiting = await client.createTask(listPeople);
    expect((await client.cancelTask(waiting.id)).status).toBe('cancelled');
    expect((await client.retryTask(waiting.id)).status).toBe('queued');
    const { end } = await watchToEnd(client, running.id);
    expect(end.status).toBe('succeeded');
    const cancel = await failure(client.cancelTask(running.id));
    expect({ status: cancel.status, code: cancel.code }).toEqual({ status: 409, code: 'EXPORT_TASK_NOT_CANCELLABLE' });
    const retry = await failure(client.retryTask(running.id));
    expect({ status: retry.status, code: retry.code, details: retry.details }).toEqual({
      status: 409,
      code: 'EXPORT_TASK_NOT_RETRYABLE',
      details: { id: running.id, status: 'succeeded' },
    });
    await watchToEnd(client, waiting.id);
  });

  it('saves, lists, updates (a stale version refused with its code), duplicates, runs and deletes a saved export; re-runs its task', async () => {
    const saved = await client.createSavedExport({ name: 'Counts by gender', request: countPeople });
    expect(savedExportViewSchema.parse(saved)).toMatchObject({ name: 'Counts by gender', version: 1, mine: true });
    expect((await client.savedExports()).map((item) => item.id)).toContain(saved.id);
    const renamed = await client.updateSavedExport(saved.id, { expectedVersion: 1, name: 'Gender counts' });
    expect(renamed).toMatchObject({ name: 'Gender counts', version: 2 });
    const stale = await failure(client.updateSavedExport(saved.id, { expectedVersion: 1, name: 'Lost' }));
    expect([stale.status, stale.code]).toEqual([409, 'SAVED_EXPORT_VERSION_CONFLICT']);
    expect((await client.savedExport(saved.id)).name).toBe('Gender counts');
    const copy = await client.duplicateSavedExport(saved.id);
    expect(copy.name).toBe('Gender counts (copy)');
    await client.deleteSavedExport(copy.id);
    expect((await failure(client.savedExport(copy.id))).code).toBe('SAVED_EXPORT_NOT_FOUND');
    const task = await client.runSavedExport(saved.id);
    expect(exportTaskViewSchema.parse(task)).toMatchObject({ savedExportId: saved.id, export: 'count_people' });
    const again = await client.rerunTask(task.id);
    expect(again).toMatchObject({ savedExportId: saved.id, request: task.request });
    expect(again.id).not.toBe(task.id);
  });

  it("reads an order's history newest first and its state as of a time", async () => {
    const [order] = (await t.request(token, 'GET', '/api/orders?limit=1')).json().items as { id: number; status: string }[];
    if (!order) throw new Error('the seed gave alice no order');
    const next = order.status === 'Delivered' ? 'Cancelled' : 'Delivered';
    expect((await t.request(token, 'PATCH', `/api/orders/${order.id}`, { status: next })).statusCode).toBe(200);
    const history = await client.history('orders', order.id, { limit: 10 });
    expect(history.items[0]).toMatchObject({ action: 'update', actor: { username: 'alice' } });
    expect(history.items[0]?.changes.map((change) => change.text)).toContain(`Status changed from ${order.status} to ${next}`);
    const now = await client.historyAsOf('orders', order.id, new Date());
    expect(now).toMatchObject({ revision: history.items[0]?.revision, state: expect.objectContaining({ status: next }) });
    expect(await client.historyAsOf('orders', order.id, new Date('2000-01-01T00:00:00Z'))).toEqual({ revision: null, at: null, state: null });
    const missing = await failure(client.history('orders', 999_999));
    expect({ status: missing.status, code: missing.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('reads the sync summary in the shape of its schema', async () => {
    const summary = await client.syncSummary();
    expect(summaryResponseSchema.parse(summary)).toEqual(summary);
    expect(summary.mappings.map((mapping) => mapping.name)).toContain('orders');
  });

  it('tells no server, an answer without the error shape, no session and an abort apart', async () => {
    const closed = createSluiceClient({ baseUrl: 'http://127.0.0.1:9' });
    expect(await failure(closed.syncSummary())).toMatchObject({ status: 0, code: 'NETWORK' });
    const proxy = createSluiceClient({ fetch: async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }) });
    expect(await failure(proxy.exports())).toMatchObject({ status: 502, code: 'HTTP_502', message: 'The server answered 502 Bad Gateway.' });
    const anonymous = createSluiceClient({ baseUrl: client.baseUrl });
    expect(await failure(anonymous.me())).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const aborted = await client.exports({ signal: AbortSignal.abort() }).catch((error: unknown) => error);
    expect(aborted).not.toBeInstanceOf(SluiceApiError);
    expect((aborted as Error).name).toBe('AbortError');
  });
});

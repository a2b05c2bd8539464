import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ExportDelivery, ExportTask, signWebhook, verifyWebhookSignature } from '../src/index.ts';
import { aliceWithEmail, createDeliveryFixture, type DeliveryFixture, downloadUrl, later } from './delivery-fixture.ts';
import { countRequest, openTaskOrm } from './task-fixture.ts';

const secret = 'test-webhook-secret';

/** One request the receiver got. */
interface Received {
  deliveryId: string;
  signature: string | undefined;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers each request with the next behaviour of `script` (then 200). */
async function startReceiver() {
  const received: Received[] = [];
  let script: ((response: ServerResponse) => void)[] = [];
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    const body = (await buffer(request)).toString('utf8');
    received.push({ deliveryId: String(request.headers['x-sluice-delivery']), signature: request.headers['x-sluice-signature'] as string, body });
    const next = script.shift();
    if (next) next(response);
    else response.writeHead(200).end('ok');
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/hooks/sluice`,
    received,
    answer(...behaviours: ((response: ServerResponse) => void)[]) {
      script = behaviours;
    },
    reset() {
      received.length = 0;
      script = [];
    },
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

const status = (code: number) => (response: ServerResponse) => response.writeHead(code).end();
/** Never answers (the socket is closed by the test's end). */
const hang = () => {};

describeEachDialect('webhook deliveries', (dialect) => {
  let f: DeliveryFixture;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let policy: { webhookAllowList: string[] };
  beforeAll(async () => {
    f = await createDeliveryFixture(dialect);
    receiver = await startReceiver();
    policy = { webhookAllowList: [receiver.origin] };
  });
  afterAll(async () => {
    await receiver?.close();
    await f?.close();
  });
  beforeEach(() => receiver.reset());

  const webhook = () => ({ secret, allowList: [receiver.origin], timeoutMs: 300 });

  it('posts a signed JSON payload that verifies, and refuses forged, foreign and replayed ones', async () => {
    const task = await f.succeeded([{ kind: 'webhook', url: receiver.url }], policy);
    expect(await f.worker({ webhook: webhook() }).deliverDue()).toBe(1);
    const [request] = receiver.received;
    if (!request) throw new Error('nothing arrived');
    expect(JSON.parse(request.body)).toEqual({
      taskId: task.id,
      status: 'succeeded',
      fileName: task.fileName,
      downloadUrl: downloadUrl(task.id),
      rowCount: task.processedCount,
    });
    expect(verifyWebhookSignature(secret, request.signature, request.body)).toBe(true);
    expect(verifyWebhookSignature(secret, request.signature, request.body.replace('succeeded', 'failed'))).toBe(false);
    expect(verifyWebhookSignature('another-secret', request.signature, request.body)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, request.body)).toBe(false);
    expect(verifyWebhookSignature(secret, 't=abc,v1=00', request.body)).toBe(false);
    // The same request replayed ten minutes later, and one signed (by someone with the secret) too long ago.
    expect(verifyWebhookSignature(secret, request.signature, request.body, { now: Date.now() + 600_000 })).toBe(false);
    expect(verifyWebhookSignature(secret, signWebhook(secret, request.body, Math.floor(Date.now() / 1000) - 600), request.body)).toBe(false);
    expect(
      verifyWebhookSignature(secret, signWebhook(secret, request.body, Math.floor(Date.now() / 1000) - 600), request.body, { toleranceSeconds: 900 }),
    ).toBe(true);
    const [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(request.deliveryId).toBe(String(delivery?.id));
    const [view] = await f.service.views([await f.service.get(task.id, aliceWithEmail)], aliceWithEmail);
    expect(view?.deliveries).toEqual([
      { kind: 'webhook', target: receiver.url, attach: false, status: 'sent', attempts: 1, lastError: null, nextAttemptAt: null, sentAt: expect.any(String) },
    ]);
  });

  it('retries a receiver that answers 500 with exponential back-off, and delivers once', async () => {
    receiver.answer(status(500), status(503));
    const task = await f.succeeded([{ kind: 'webhook', url: receiver.url }], policy);
    const worker = f.worker({ webhook: webhook(), retryDelayMs: 60_000, maxRetryDelayMs: 600_000 });
    // Back-off counts from each attempt's start: somewhere between the call and its end.
    const attempted = async (at: Date) => {
      const before = Math.max(at.getTime(), Date.now());
      expect(await worker.deliverDue(at)).toBe(1);
      return { before, after: Math.max(at.getTime(), Date.now()) };
    };
    const first = await attempted(new Date());
    let [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'The receiver answered HTTP 500 Internal Server Error' });
    const firstRetry = delivery?.nextAttemptAt.getTime() ?? 0;
    expect(firstRetry).toBeGreaterThanOrEqual(first.before + 60_000);
    expect(firstRetry).toBeLessThanOrEqual(first.after + 60_000);
    // Not due yet: nothing is sent before the back-off ends.
    expect(await worker.deliverDue(new Date(firstRetry - 1_000))).toBe(0);
    const second = await attempted(new Date(firstRetry));
    [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 2, lastError: 'The receiver answered HTTP 503 Service Unavailable' });
    expect(delivery?.nextAttemptAt.getTime()).toBe(second.before + 120_000);
    expect(await worker.deliverDue(later())).toBe(1);
    expect(await worker.deliverDue(later(4))).toBe(0);
    [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(receiver.received.map((request) => request.deliveryId)).toEqual([1, 2, 3].map(() => String(delivery?.id)));
  });

  it('gives up on a receiver that does not answer in time, and retries it', async () => {
    receiver.answer(hang);
    const task = await f.succeeded([{ kind: 'webhook', url: receiver.url }], policy);
    const worker = f.worker({ webhook: webhook() });
    expect(await worker.deliverDue()).toBe(1);
    let [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'The receiver did not answer within 0.3 s' });
    expect(await worker.deliverDue(later())).toBe(1);
    [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails after the last attempt on a receiver that is down, and the task file stays downloadable', async () => {
    const down = await startReceiver();
    await down.close();
    const task = await f.succeeded([{ kind: 'webhook', url: down.url }], { webhookAllowList: [down.origin] });
    const before = await f.fileOf(task.id);
    const worker = f.worker({ webhook: { ...webhook(), allowList: [down.origin] }, maxAttempts: 3 });
    for (const hours of [0, 2, 4, 6]) await worker.deliverDue(later(hours));
    const [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, lastError: 'Could not reach the receiver: ECONNREFUSED' });
    expect(await f.load(task.id)).toMatchObject({ status: 'succeeded', fileKey: task.fileKey, fileSize: task.fileSize });
    expect(await f.fileOf(task.id)).toEqual(before);
    expect(before.length).toBeGreaterThan(0);
  });

  it('does not send to an origin removed from the allow-list since the task was created', async () => {
    const task = await f.succeeded([{ kind: 'webhook', url: receiver.url }], policy);
    await f.worker({ webhook: { ...webhook(), allowList: ['https://hooks.example.com'] } }).deliverDue();
    const [delivery] = await f.deliveriesOf(task.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery?.lastError).toMatch(/not on this server's webhook allow-list/);
    expect(receiver.received).toEqual([]);
  });

  it('takes over a delivery whose worker died mid-attempt once its lease expired, and gives up one that died on its last attempt', async () => {
    const [resumed, exhausted] = [
      await f.succeeded([{ kind: 'webhook', url: receiver.url }], policy),
      await f.succeeded([{ kind: 'webhook', url: receiver.url }], policy),
    ];
    const worker = f.worker({ webhook: webhook(), maxAttempts: 3, leaseMs: 60_000 });
    // Two deliveries as a dead worker left them: sending, under its lease.
    const em = f.orm.em.fork();
    const leaseUntil = new Date(Date.now() + 60_000);
    await em.nativeUpdate(ExportDelivery, { task: resumed.id }, { status: 'sending', attempts: 1, leaseOwner: 'dead-worker', leaseUntil });
    await em.nativeUpdate(ExportDelivery, { task: exhausted.id }, { status: 'sending', attempts: 3, leaseOwner: 'dead-worker', leaseUntil });
    // The lease still runs: nobody else may send them.
    expect(await worker.deliverDue()).toBe(0);
    expect(await worker.deliverDue(new Date(leaseUntil.getTime() + 1))).toBe(1);
    expect(await f.deliveriesOf(resumed.id)).toMatchObject([{ status: 'sent', attempts: 2, leaseOwner: null }]);
    const [abandoned] = await f.deliveriesOf(exhausted.id);
    expect(abandoned).toMatchObject({ status: 'failed', attempts: 3, leaseOwner: null });
    expect(abandoned?.lastError).toMatch(/worker stopped during the last attempt/);
    expect(receiver.received).toHaveLength(1);
  });

  it('waits for the task to succeed before delivering', async () => {
    const task = await f.serviceWith(policy).create(countRequest, aliceWithEmail, { deliveries: [{ kind: 'webhook', url: receiver.url }] });
    expect(await f.worker({ webhook: webhook() }).deliverDue(later())).toBe(0);
    expect(receiver.received).toEqual([]);
    expect(await f.deliveriesOf(task.id)).toMatchObject([{ status: 'pending', attempts: 0 }]);
  });

  it('refuses webhook URLs off the allow-list (none by default) when the task is created', async () => {
    const create = (url: string, allowList?: string[]) =>
      f.serviceWith(allowList ? { webhookAllowList: allowList } : undefined).create(countRequest, aliceWithEmail, { deliveries: [{ kind: 'webhook', url }] });
    for (const [url, allowList] of [
      [receiver.url, undefined],
      ['http://169.254.169.254/latest/meta-data', [receiver.origin]],
      [`http://user:pass@${receiver.origin.slice('http://'.length)}/x`, [receiver.origin]],
      ['file:///etc/passwd', [receiver.origin]],
      ['not a url', [receiver.origin]],
    ] as const) {
      await expect(create(url, allowList ? [...allowList] : undefined), url).rejects.toMatchObject({ code: 'DELIVERY_URL_NOT_ALLOWED', statusCode: 400 });
    }
    const before = await f.orm.em.fork().count(ExportTask, {});
    await expect(create(receiver.url, [])).rejects.toMatchObject({ code: 'DELIVERY_URL_NOT_ALLOWED' });
    expect(await f.orm.em.fork().count(ExportTask, {})).toBe(before);
  });

  it('two workers never send twice: both read the same due deliveries and race to claim them', async () => {
    const second = await openTaskOrm(f.database);
    try {
      const tasks = [];
      for (let i = 0; i < 12; i++) tasks.push(await f.succeeded([{ kind: 'webhook', url: receiver.url }], policy));
      const workers = [f.worker({ webhook: webhook() }), f.worker({ webhook: webhook(), em: second.em })];
      let claimed = 0;
      for (let round = 0; round < 20; round++) {
        const now = later();
        const counts = await Promise.all(
          workers.map(async (worker, index) => {
            // SQLite has one writer: let the other worker's statements in between.
            if (index === 1) await new Promise(setImmediate);
            return worker.deliverDue(now);
          }),
        );
        const both = counts.reduce((sum, count) => sum + count, 0);
        claimed += both;
        if (both === 0) break;
      }
      const deliveries = (await Promise.all(tasks.map((task) => f.deliveriesOf(task.id)))).flat();
      expect(claimed).toBe(deliveries.length);
      expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual(deliveries.map(() => ['sent', 1]));
      const ids = receiver.received.map((request) => Number(request.deliveryId)).sort((a, b) => a - b);
      expect(ids).toEqual(deliveries.map((delivery) => delivery.id).sort((a, b) => a - b));
    } finally {
      await second.close(true);
    }
  });
});

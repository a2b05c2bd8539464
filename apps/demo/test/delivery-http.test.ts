import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { verifyWebhookSignature } from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };
const secret = 'demo-webhook-secret';
const publicUrl = 'https://sluice.demo.example';

describeEachDialect('export task deliveries over HTTP', (dialect) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let admin: string;
  const mails: ParsedMail[] = [];
  const hooks: { signature: string; body: string; url: string }[] = [];
  let smtp: SMTPServer;
  let receiver: Server;
  let origin: string;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, done) => void simpleParser(stream).then((mail) => done(null, void mails.push(mail)), done),
    });
    await new Promise<void>((listening) => smtp.listen(0, '127.0.0.1', listening));
    // Answers 500 to /broken, 200 elsewhere.
    receiver = createServer(async (request, response) => {
      const body = (await buffer(request)).toString('utf8');
      hooks.push({ signature: String(request.headers['x-sluice-signature']), body, url: request.url ?? '' });
      response.writeHead(request.url === '/broken' ? 500 : 200).end();
    });
    await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
    origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await startTestApp(dialect, {
      people: 300,
      tasks: {
        delivery: {
          smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
          mailFrom: 'Sluice demo <exports@sluice.example>',
          publicUrl,
          webhookAllowList: [origin],
          webhookSecret: secret,
          attachLimitBytes: undefined,
          maxAttempts: 1,
        },
        deliveryTuning: { pollMs: 20 },
      },
    });
    [alice, bob, admin] = (await Promise.all(['alice', 'bob', 'admin'].map((name) => t.login(name)))) as [string, string, string];
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((closed) => smtp?.close(() => closed(null)));
    receiver?.closeAllConnections();
    await new Promise((closed) => receiver?.close(closed));
  });

  /** The task once every delivery of it is sent or failed. */
  async function delivered(token: string, id: number) {
    for (let i = 0; i < 400; i++) {
      const task = (await t.request(token, 'GET', `/api/export-tasks/${id}`)).json();
      if (task.status === 'succeeded' && task.deliveries.every((delivery: { status: string }) => ['sent', 'failed'].includes(delivery.status))) return task;
      await new Promise((wake) => setTimeout(wake, 25));
    }
    throw new Error(`task ${id} was not delivered`);
  }

  it('documents deliveries in the OpenAPI of task creation and of the task view', async () => {
    const openapi = JSON.stringify((await t.app.inject({ method: 'GET', url: '/docs/json' })).json());
    for (const text of ['"deliveries"', '"E-mail delivery"', '"Webhook delivery"', '"lastError"', '"maxItems":5']) expect(openapi).toContain(text);
  });

  it('refuses bad deliveries with 400 and a stable code, creating no task', async () => {
    const before = (await t.request(alice, 'GET', '/api/export-tasks?limit=100')).json().items.length;
    const cases: [unknown, string][] = [
      [[{ kind: 'webhook', url: 'http://169.254.169.254/latest/meta-data' }], 'DELIVERY_URL_NOT_ALLOWED'],
      [[{ kind: 'webhook', url: 'http://127.0.0.1:1/hook' }], 'DELIVERY_URL_NOT_ALLOWED'],
      [[{ kind: 'webhook', url: 'gopher://127.0.0.1/' }], 'DELIVERY_URL_NOT_ALLOWED'],
      [[{ kind: 'email', to: 'alice at example' }], 'DELIVERY_ADDRESS_INVALID'],
      [Array.from({ length: 6 }, () => ({ kind: 'email' })), 'DELIVERY_INVALID'],
      [[{ kind: 'sms', to: '+100' }], 'DELIVERY_INVALID'],
      [{ kind: 'email' }, 'DELIVERY_INVALID'],
    ];
    for (const [deliveries, code] of cases) {
      const response = await t.request(alice, 'POST', '/api/export-tasks', { ...listPeople, deliveries });
      expect(response.statusCode, JSON.stringify(deliveries)).toBe(400);
      expect(response.json().error.code, JSON.stringify(deliveries)).toBe(code);
    }
    expect((await t.request(alice, 'GET', '/api/export-tasks?limit=100')).json().items).toHaveLength(before);
  });

  it("delivers by e-mail to the caller's own address and by a signed webhook, and shows it on the task to its owner only", async () => {
    const created = await t.request(alice, 'POST', '/api/export-tasks', {
      ...listPeople,
      deliveries: [
        { kind: 'email', attach: true },
        { kind: 'webhook', url: `${origin}/hook` },
      ],
    });
    expect(created.statusCode, created.body).toBe(202);
    expect(created.json().deliveries).toMatchObject([
      { kind: 'email', target: 'alice@sluice.example', attach: true, status: 'pending', attempts: 0 },
      { kind: 'webhook', target: `${origin}/hook`, status: 'pending' },
    ]);
    const id: number = created.json().id;
    const task = await delivered(alice, id);
    expect(task.deliveries).toMatchObject([
      { kind: 'email', status: 'sent', attempts: 1, lastError: null },
      { kind: 'webhook', status: 'sent', attempts: 1, lastError: null },
    ]);
    const link = `${publicUrl}/api/export-tasks/${id}/download`;
    const mail = mails.find((candidate) => candidate.text?.includes(link));
    expect(mail?.to).toMatchObject({ text: 'alice@sluice.example' });
    expect(mail?.subject).toBe('Export ready: List people');
    const download = await t.request(alice, 'GET', `/api/export-tasks/${id}/download`);
    expect(mail?.attachments[0]?.content.toString('utf8')).toBe(download.body);
    const hook = hooks.find((candidate) => candidate.body.includes(link));
    expect(hook && verifyWebhookSignature(secret, hook.signature, hook.body)).toBe(true);
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ taskId: id, status: 'succeeded', downloadUrl: link, rowCount: task.file.rows });

    expect((await t.request(bob, 'GET', `/api/export-tasks/${id}`)).statusCode).toBe(404);
    expect((await t.request(bob, 'GET', '/api/export-tasks?limit=100')).json().items).toEqual([]);
    expect((await t.request(admin, 'GET', `/api/export-tasks/${id}`)).json().deliveries).toHaveLength(2);
    const mine = (await t.request(alice, 'GET', '/api/export-tasks?limit=100')).json().items.find((item: { id: number }) => item.id === id);
    expect(mine.deliveries).toEqual(task.deliveries);
  });

  it('shows a failed delivery with its reason in words, and the file stays downloadable', async () => {
    const created = await t.request(alice, 'POST', '/api/export-tasks', { ...listPeople, deliveries: [{ kind: 'webhook', url: `${origin}/broken` }] });
    const task = await delivered(alice, created.json().id);
    expect(task.deliveries).toEqual([
      {
        kind: 'webhook',
        target: `${origin}/broken`,
        attach: false,
        status: 'failed',
        attempts: 1,
        lastError: 'The receiver answered HTTP 500 Internal Server Error',
        nextAttemptAt: null,
        sentAt: null,
      },
    ]);
    expect((await t.request(alice, 'GET', `/api/export-tasks/${task.id}/download`)).statusCode).toBe(200);
  });
});

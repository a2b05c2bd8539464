import type { AddressInfo } from 'node:net';
import { describeEachDialect } from '@sluice/test-utils';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { SmtpMailer, untranslated } from '../src/index.ts';
import { aliceWithEmail, createDeliveryFixture, type DeliveryFixture, downloadUrl, later } from './delivery-fixture.ts';
import { alice, countRequest, listRequest, taskRegistry } from './task-fixture.ts';

/** A real SMTP server on 127.0.0.1 (plain text, no authentication) that parses every message it takes. */
async function startSmtp(port = 0) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          done();
        },
        (error: Error) => done(error),
      );
    },
  });
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

const policy = { email: true };

describeEachDialect('e-mail deliveries', (dialect) => {
  let f: DeliveryFixture;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let mailer: SmtpMailer;
  beforeAll(async () => {
    f = await createDeliveryFixture(dialect);
    smtp = await startSmtp();
    mailer = new SmtpMailer(`smtp://127.0.0.1:${smtp.port}`, { from: 'Sluice <exports@sluice.example>', timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await mailer?.close();
    await smtp?.close();
    await f?.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it("mails the caller's own address a link to the file, titled with the export", async () => {
    const task = await f.succeeded([{ kind: 'email' }], policy);
    expect(await f.worker({ mailer }).deliverDue()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received as [ParsedMail];
    expect(mail.subject).toBe('Export ready: Count books');
    expect(mail.to).toMatchObject({ text: 'alice@example.com' });
    expect(mail.from?.text).toBe('"Sluice" <exports@sluice.example>');
    expect(mail.text).toContain(downloadUrl(task.id));
    expect(mail.attachments).toEqual([]);
    expect(await f.deliveriesOf(task.id)).toMatchObject([{ kind: 'email', target: 'alice@example.com', status: 'sent', attempts: 1 }]);
  });

  it('writes the e-mail in the language of the task, as its file', async () => {
    const french: Record<string, string> = {
      'Count books': 'Compter les livres',
      'Export ready: {{title}}': 'Export prêt : {{title}}',
      'Your export "{{title}}" is ready: {{rows}} rows in {{file}} ({{size}}).':
        'Votre export « {{title}} » est prêt : {{rows}} lignes dans {{file}} ({{size}}).',
    };
    const registry = taskRegistry({
      locales: ['en', 'fr'],
      translator: (text, locale, values) => untranslated((locale === 'fr' && french[text]) || text, locale, values),
    });
    await f.succeeded([{ kind: 'email' }], policy, { ...countRequest, locale: 'fr' });
    await f.worker({ mailer, registry }).deliverDue();
    const [mail] = smtp.received as [ParsedMail];
    expect(mail.subject).toBe('Export prêt : Compter les livres');
    expect(mail.text).toMatch(/^Votre export « Compter les livres » est prêt : \d+ lignes dans /);
  });

  it('attaches the file when asked, byte for byte', async () => {
    const task = await f.succeeded([{ kind: 'email', to: 'board@example.org', attach: true }], policy, listRequest);
    await f.worker({ mailer }).deliverDue();
    const [mail] = smtp.received as [ParsedMail];
    expect(mail.to).toMatchObject({ text: 'board@example.org' });
    expect(mail.attachments).toHaveLength(1);
    const [attachment] = mail.attachments;
    expect(attachment?.filename).toBe(task.fileName);
    expect(attachment?.content).toEqual(await f.fileOf(task.id));
    expect(attachment?.content.length).toBe(task.fileSize);
    expect(mail.text).toContain(downloadUrl(task.id));
  });

  it('links instead of attaching a file over the size limit, and says why', async () => {
    const task = await f.succeeded([{ kind: 'email', attach: true }], policy, listRequest);
    await f.worker({ mailer, attachLimitBytes: 100 }).deliverDue();
    const [mail] = smtp.received as [ParsedMail];
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain(downloadUrl(task.id));
    expect(mail.text).toMatch(/not attached: it is [\d.]+ KB, over the 100 bytes limit for attachments/);
    expect(await f.deliveriesOf(task.id)).toMatchObject([{ status: 'sent' }]);
  });

  it('retries while the SMTP server is down and sends once when it is back', async () => {
    const down = await startSmtp();
    await down.close();
    const downMailer = new SmtpMailer(`smtp://127.0.0.1:${down.port}`, { timeoutMs: 5_000 });
    try {
      const task = await f.succeeded([{ kind: 'email' }], policy);
      const worker = f.worker({ mailer: downMailer });
      expect(await worker.deliverDue()).toBe(1);
      let [delivery] = await f.deliveriesOf(task.id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
      expect(delivery?.lastError).toMatch(/ECONNREFUSED/);
      const back = await startSmtp(down.port);
      try {
        expect(await worker.deliverDue(later())).toBe(1);
        expect(await worker.deliverDue(later(4))).toBe(0);
        expect(back.received).toHaveLength(1);
        expect(back.received[0]?.text).toContain(downloadUrl(task.id));
        [delivery] = await f.deliveriesOf(task.id);
        expect(delivery).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      } finally {
        await back.close();
      }
    } finally {
      await downMailer.close();
    }
  });

  it('refuses bad or missing addresses, and e-mail where the server sends none, when the task is created', async () => {
    const create = (deliveries: unknown, user = aliceWithEmail, deliveryPolicy: { email?: boolean } = policy) =>
      f.serviceWith(deliveryPolicy).create(listRequest, user, { deliveries });
    await expect(create([{ kind: 'email', to: 'not-an-address' }])).rejects.toMatchObject({ code: 'DELIVERY_ADDRESS_INVALID', statusCode: 400 });
    await expect(create([{ kind: 'email', to: 'a@example.com\r\nBcc: x@example.com' }])).rejects.toMatchObject({ code: 'DELIVERY_ADDRESS_INVALID' });
    await expect(create([{ kind: 'email' }], alice)).rejects.toMatchObject({ code: 'DELIVERY_ADDRESS_MISSING', statusCode: 400 });
    await expect(create([{ kind: 'email' }], aliceWithEmail, {})).rejects.toMatchObject({ code: 'DELIVERY_KIND_UNAVAILABLE', statusCode: 400 });
    await expect(create(Array.from({ length: 6 }, () => ({ kind: 'email' })))).rejects.toMatchObject({ code: 'DELIVERY_INVALID', statusCode: 400 });
    await expect(create([{ kind: 'fax', to: '123' }])).rejects.toMatchObject({ code: 'DELIVERY_INVALID' });
    await expect(create('email')).rejects.toMatchObject({ code: 'DELIVERY_INVALID' });
  });
});

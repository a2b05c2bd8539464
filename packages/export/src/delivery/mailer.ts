import type { Readable } from 'node:stream';
import type { Transporter } from 'nodemailer';

/** One e-mail as the delivery worker writes it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: { filename: string; contentType: string; content: Readable }[];
}

/** Sends e-mails: {@link SmtpMailer}, or anything else an application has. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * Sends through an SMTP server with nodemailer (an optional peer, loaded on first use so applications
 * without e-mail never load it).
 *
 * @example
 * const mailer = new SmtpMailer('smtp://user:pass@mail.example.com:587', { from: 'Sluice <exports@example.com>' });
 */
export class SmtpMailer implements Mailer {
  readonly #url: string;
  readonly #from: string;
  readonly #timeoutMs: number;
  #transport: Promise<Transporter> | null = null;

  constructor(url: string, options: { from?: string; timeoutMs?: number } = {}) {
    this.#url = url;
    this.#from = options.from ?? 'Sluice <no-reply@localhost>';
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async send(message: MailMessage): Promise<void> {
    this.#transport ??= this.#open();
    await (await this.#transport).sendMail({ from: this.#from, ...message });
  }

  async #open(): Promise<Transporter> {
    const { createTransport } = await import('nodemailer');
    // nodemailer's own timeouts are minutes long: a dead server would hold a delivery's lease that long.
    const timeoutMs = this.#timeoutMs;
    return createTransport({ url: this.#url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  }

  async close(): Promise<void> {
    (await this.#transport)?.close();
  }
}

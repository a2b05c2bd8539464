import type { EntityManager } from '@mikro-orm/sql';
import { translateFor, untranslated } from '../elements/translation.ts';
import type { ExportRegistry } from '../pipeline/export-registry.ts';
import type { TaskStorage } from '../storage/task-storage.ts';
import type { ExportTask } from '../tasks/export-task-entity.ts';
import { newWorkerId } from '../tasks/export-task-runner.ts';
import { PollingLoop } from '../tasks/polling-loop.ts';
import { isTaskFileExpired } from '../tasks/task-file.ts';
import { taskEmail } from './delivery-email.ts';
import { DeliveryFailure, failureText } from './delivery-failure.ts';
import { DeliveryTransitions } from './delivery-transitions.ts';
import { ExportDelivery } from './export-delivery-entity.ts';
import type { Mailer } from './mailer.ts';
import { sendWebhook, type WebhookSettings } from './webhook-sender.ts';

/** What a {@link DeliveryWorker} needs: the task tables, files and titles, the senders, and its tuning. */
export interface DeliveryWorkerConfig {
  /** A root EntityManager; every poll forks it. */
  em: EntityManager;
  storage: TaskStorage;
  /** Gives e-mails the export's title (otherwise its alias). */
  registry?: ExportRegistry;
  /** Where a user downloads task `taskId`'s file (the application's route, on its public URL). */
  downloadUrl(taskId: number): string;
  /** Sends e-mail deliveries; without it they fail with a reason. */
  mailer?: Mailer;
  /** Sends webhook deliveries; without it they fail with a reason. */
  webhook?: WebhookSettings;
  /** E-mails attach files up to this size, and link to bigger ones (default 10 MB). */
  attachLimitBytes?: number;
  /** Attempts before a delivery fails for good (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxRetryDelayMs` (default 30 s and 1 h). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A delivery whose worker died mid-attempt is taken up again after this (default 2 min). */
  leaseMs?: number;
  /** How often due deliveries are looked for when nothing woke the worker (default 1 s). */
  pollMs?: number;
  /** Deliveries taken per poll (default 20). */
  batchSize?: number;
  workerId?: string;
  onError?(error: unknown): void;
}

type Tuning = 'attachLimitBytes' | 'maxAttempts' | 'retryDelayMs' | 'maxRetryDelayMs' | 'leaseMs' | 'pollMs' | 'batchSize' | 'workerId';

/**
 * Delivers the files of succeeded tasks: polls for due deliveries, claims each with one guarded UPDATE
 * (two workers never send one delivery at once), sends it, then records it sent or schedules a retry
 * with exponential back-off until `maxAttempts`. A failed delivery never touches its task or its file.
 * A worker that dies after sending but before recording it makes the delivery go once more after its
 * lease: deliveries are at least once, and webhooks carry `X-Sluice-Delivery` for receivers to drop repeats.
 *
 * @example
 * ```ts
 * const deliveries = new DeliveryWorker({
 *   ...taskConfig,
 *   downloadUrl: (id) => `https://exports.example.com/api/export-tasks/${id}/download`,
 *   mailer: new SmtpMailer(process.env.SMTP_URL),
 *   webhook: { secret: process.env.WEBHOOK_SECRET, allowList: ['https://hooks.example.com'] },
 * }).start();
 * await deliveries.stop();
 * ```
 */
export class DeliveryWorker {
  readonly #config: DeliveryWorkerConfig & Required<Pick<DeliveryWorkerConfig, Tuning>>;
  readonly #loop: PollingLoop;

  constructor(config: DeliveryWorkerConfig) {
    const defined = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as DeliveryWorkerConfig;
    this.#config = {
      attachLimitBytes: 10 * 1_048_576,
      maxAttempts: 5,
      retryDelayMs: 30_000,
      maxRetryDelayMs: 3_600_000,
      leaseMs: 120_000,
      pollMs: 1_000,
      batchSize: 20,
      workerId: newWorkerId(),
      ...defined,
    };
    this.#loop = new PollingLoop(
      async (stopped) => {
        while (!stopped() && (await this.deliverDue()) > 0);
      },
      { pollMs: this.#config.pollMs, onError: this.#config.onError },
    );
  }

  start(): this {
    this.#loop.start();
    return this;
  }

  /** Looks for due deliveries now (e.g. when a task just succeeded). */
  wake(): void {
    this.#loop.wake();
  }

  /** Stops polling, waits for the attempt in progress and closes the mailer. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    await this.#config.mailer?.close?.();
  }

  /**
   * One poll: attempts the deliveries of succeeded tasks due at `now`; answers how many this worker
   * claimed. Each attempt's lease and back-off count from when it starts (never before `now`), so the
   * last delivery of a slow batch still holds a whole lease while it is sent.
   */
  async deliverDue(now = new Date()): Promise<number> {
    const em = this.#config.em.fork();
    const due = await em.find(
      ExportDelivery,
      {
        task: { status: 'succeeded' },
        $or: [
          { status: 'pending', nextAttemptAt: { $lte: now } },
          { status: 'sending', leaseUntil: { $lt: now } },
        ],
      },
      { populate: ['task'], orderBy: { nextAttemptAt: 'asc', id: 'asc' }, limit: this.#config.batchSize },
    );
    const transitions = new DeliveryTransitions(em, this.#config.workerId);
    let claimed = 0;
    for (const delivery of due) {
      if (await this.#attempt(transitions, delivery, now)) claimed++;
    }
    return claimed;
  }

  async #attempt(transitions: DeliveryTransitions, delivery: ExportDelivery, now: Date): Promise<boolean> {
    const { maxAttempts } = this.#config;
    if (delivery.status === 'sending' && delivery.attempts >= maxAttempts) {
      const reason = `The worker stopped during the last attempt (${delivery.attempts} of ${maxAttempts}); it may or may not have arrived`;
      await transitions.abandon(delivery, reason, now);
      return false;
    }
    const start = Math.max(now.getTime(), Date.now());
    if (!(await transitions.claim(delivery, new Date(start + this.#config.leaseMs), now))) return false;
    const attempt = delivery.attempts + 1;
    try {
      await this.#send(delivery, delivery.task);
      await transitions.sent(delivery.id);
    } catch (error) {
      const reason = failureText(error);
      if ((error instanceof DeliveryFailure && error.permanent) || attempt >= maxAttempts) await transitions.fail(delivery.id, reason);
      else await transitions.retryLater(delivery.id, new Date(start + this.#backoff(attempt)), reason);
    }
    return true;
  }

  #backoff(attempt: number): number {
    return Math.min(this.#config.retryDelayMs * 2 ** (attempt - 1), this.#config.maxRetryDelayMs);
  }

  async #send(delivery: ExportDelivery, task: ExportTask): Promise<void> {
    const config = this.#config;
    if (isTaskFileExpired(task)) throw new DeliveryFailure("The task's file expired before it could be delivered", { permanent: true });
    const downloadUrl = config.downloadUrl(task.id);
    if (delivery.kind === 'webhook') {
      if (!config.webhook) throw new DeliveryFailure('This server sends no webhooks (no webhook secret is configured)', { permanent: true });
      const payload = { taskId: task.id, status: task.status, fileName: task.fileName ?? null, downloadUrl, rowCount: task.processedCount };
      return sendWebhook(config.webhook, delivery.target, payload, delivery.id);
    }
    if (!config.mailer) throw new DeliveryFailure('This server sends no e-mail (no SMTP server is configured)', { permanent: true });
    // In the language of whoever asked for the task (its request's locale), like its file.
    const locale = config.registry?.localeFor(task.request.locale) ?? 'en';
    const t = config.registry?.translate(locale) ?? translateFor(untranslated, locale);
    const title = t(config.registry?.exportTitle(task.request.export) ?? task.request.export);
    const fileKey = task.fileKey as string;
    await config.mailer.send(
      taskEmail({
        to: delivery.target,
        title,
        task,
        downloadUrl,
        attach: delivery.attach,
        attachLimitBytes: config.attachLimitBytes,
        locale,
        t,
        open: () => config.storage.read(fileKey),
      }),
    );
  }
}

import { DeliveryWorker, type DeliveryWorkerConfig, type ExportTaskConfig, SmtpMailer } from '@sluice/export';
import type { DeliverySettings } from '../config.ts';

/** What the demo accepts as task deliveries: e-mail with an SMTP server, webhooks to the allow-list only. */
export function demoDeliveryPolicy(settings: DeliverySettings | undefined): NonNullable<ExportTaskConfig['deliveries']> {
  return { email: Boolean(settings?.smtpUrl), webhookAllowList: settings?.webhookSecret ? settings.webhookAllowList : [] };
}

/** Where a task's file is downloaded from, as links in e-mails and webhooks give it. */
export function demoDownloadUrl(publicUrl: string, taskId: number): string {
  return `${publicUrl}/api/export-tasks/${taskId}/download`;
}

/**
 * The demo's delivery worker, when e-mail or webhooks are configured (`null` otherwise): it sends the
 * deliveries of succeeded tasks with the settings' SMTP server and webhook secret.
 */
export function startDemoDeliveries(
  config: ExportTaskConfig,
  settings: DeliverySettings | undefined,
  tuning: Partial<DeliveryWorkerConfig> = {},
): DeliveryWorker | null {
  const policy = demoDeliveryPolicy(settings);
  if (!settings || (!policy.email && policy.webhookAllowList?.length === 0)) return null;
  return new DeliveryWorker({
    em: config.em,
    storage: config.storage,
    registry: config.registry,
    downloadUrl: (taskId) => demoDownloadUrl(settings.publicUrl, taskId),
    mailer: settings.smtpUrl ? new SmtpMailer(settings.smtpUrl, { from: settings.mailFrom }) : undefined,
    webhook: settings.webhookSecret ? { secret: settings.webhookSecret, allowList: settings.webhookAllowList } : undefined,
    attachLimitBytes: settings.attachLimitBytes,
    maxAttempts: settings.maxAttempts,
    ...tuning,
  }).start();
}

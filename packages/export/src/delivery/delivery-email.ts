import type { Readable } from 'node:stream';
import { type Translate, translateFor, untranslated } from '../elements/translation.ts';
import type { ExportTask } from '../tasks/export-task-entity.ts';
import type { MailMessage } from './mailer.ts';

/** What the e-mail of a finished task says. */
export interface TaskEmailInput {
  to: string;
  title: string;
  task: Pick<ExportTask, 'id' | 'fileName' | 'contentType' | 'fileSize' | 'processedCount' | 'expiresAt'>;
  downloadUrl: string;
  /** The recipient asked for the file attached. */
  attach: boolean;
  /** Files larger than this are linked to, never attached. */
  attachLimitBytes: number;
  /** Opens the task's file (called only when it is attached). */
  open(): Readable;
  /** The reader's language (the task request's), for the texts, numbers and dates (default English). */
  locale?: string;
  t?: Translate;
}

/** A size as people read it: bytes, KB or MB (binary units, one decimal). */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1_048_576 ? [bytes / 1024, 'KB'] : [bytes / 1_048_576, 'MB'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/**
 * The e-mail telling `to` that a task's file is ready: the export's title in the subject, the download
 * link in the body, and the file attached when asked and under the limit (over it, the body says why not).
 */
export function taskEmail(input: TaskEmailInput): MailMessage {
  const { task } = input;
  const locale = input.locale ?? 'en';
  const t = input.t ?? translateFor(untranslated, locale);
  const size = task.fileSize ?? 0;
  const attached = input.attach && size <= input.attachLimitBytes;
  const fileName = task.fileName ?? `export-${task.id}`;
  const rows = new Intl.NumberFormat(locale).format(task.processedCount);
  const lines = [
    t('Your export "{{title}}" is ready: {{rows}} rows in {{file}} ({{size}}).', { title: input.title, rows, file: fileName, size: sizeText(size) }),
    '',
    t('Download it (sign in first): {{url}}', { url: input.downloadUrl }),
  ];
  if (attached) lines.push('', t('The file is attached to this e-mail.'));
  else if (input.attach)
    lines.push(
      '',
      t('The file is not attached: it is {{size}}, over the {{limit}} limit for attachments. Use the link instead.', {
        size: sizeText(size),
        limit: sizeText(input.attachLimitBytes),
      }),
    );
  if (task.expiresAt) {
    const until = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(task.expiresAt);
    lines.push('', t('The file can be downloaded until {{until}} (UTC).', { until }));
  }
  return {
    to: input.to,
    subject: t('Export ready: {{title}}', { title: input.title }),
    text: `${lines.join('\n')}\n`,
    ...(attached ? { attachments: [{ filename: fileName, contentType: task.contentType ?? 'application/octet-stream', content: input.open() }] } : {}),
  };
}

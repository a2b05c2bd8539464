import type { Readable } from 'node:stream';
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
  const size = task.fileSize ?? 0;
  const attached = input.attach && size <= input.attachLimitBytes;
  const fileName = task.fileName ?? `export-${task.id}`;
  const lines = [
    `Your export "${input.title}" is ready: ${task.processedCount} rows in ${fileName} (${sizeText(size)}).`,
    '',
    `Download it (sign in first): ${input.downloadUrl}`,
  ];
  if (attached) lines.push('', 'The file is attached to this e-mail.');
  else if (input.attach)
    lines.push(
      '',
      `The file is not attached: it is ${sizeText(size)}, over the ${sizeText(input.attachLimitBytes)} limit for attachments. Use the link instead.`,
    );
  if (task.expiresAt) lines.push('', `The file can be downloaded until ${task.expiresAt.toISOString()}.`);
  return {
    to: input.to,
    subject: `Export ready: ${input.title}`,
    text: `${lines.join('\n')}\n`,
    ...(attached ? { attachments: [{ filename: fileName, contentType: task.contentType ?? 'application/octet-stream', content: input.open() }] } : {}),
  };
}

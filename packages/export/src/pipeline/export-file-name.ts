/**
 * The name a browser saves an export under: its alias, the task id when there is one, the date, the
 * formatter's extension. Built from registry aliases, never from user text, and kept to safe characters.
 */
export function exportFileName(alias: string, extension: string, options: { taskId?: number; date?: Date } = {}): string {
  const day = (options.date ?? new Date()).toISOString().slice(0, 10);
  const parts = [alias.replace(/[^a-zA-Z0-9_-]/g, '_'), ...(options.taskId === undefined ? [] : [String(options.taskId)]), day];
  return `${parts.join('-')}.${extension}`;
}

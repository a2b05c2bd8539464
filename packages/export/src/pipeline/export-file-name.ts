import type { PreparedExport } from './export-registry.ts';

/**
 * The name a browser saves an export under: its title in the reader's language, the task id when
 * there is one, the date, the formatter's extension. Kept to safe ASCII (accents dropped, anything
 * else a dash), so it needs no quoting in a header and opens on every system; the alias when nothing
 * of the title is left.
 *
 * @example exportFileName(registry.prepare({ export: 'list_people', formatter: { alias: 'csv_list' }, locale: 'fr' }, user)) // 'liste-des-personnes-2026-12-07.csv'
 */
export function exportFileName(prepared: PreparedExport, options: { taskId?: number; date?: Date } = {}): string {
  const { definition } = prepared.export;
  const day = (options.date ?? new Date()).toISOString().slice(0, 10);
  const title = prepared
    .t(definition.title)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  const parts = [title || definition.alias.replace(/[^a-zA-Z0-9_-]/g, '_'), ...(options.taskId === undefined ? [] : [String(options.taskId)]), day];
  return `${parts.join('-')}.${prepared.formatter.definition.extension}`;
}

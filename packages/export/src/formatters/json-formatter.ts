import { z } from 'zod';
import { columnTypes } from '../elements/column-type.ts';
import { groupLabel, type TabularResult } from '../elements/export-result.ts';
import type { FormatterDefinition } from '../elements/formatter-definition.ts';

/** One cell of a JSON result: the raw value and, for groups, its label. */
const jsonCellSchema = z.object({ value: z.unknown(), label: z.string().nullable() });
export type JsonCell = z.infer<typeof jsonCellSchema>;

/** A result as JSON (a JSON file, a preview, a chart's data): typed columns, rows of cells, the request's sentences. */
export const jsonResultSchema = z.object({
  columns: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(columnTypes) })),
  rows: z.array(z.array(jsonCellSchema)),
  description: z.array(z.string()),
  truncated: z.boolean(),
});
export type JsonResult = z.infer<typeof jsonResultSchema>;

/** Tabular result as `{columns:[{key,label,type}], rows:[[{value,label}...]], description}` (previews, charts). */
export function tabularJson(result: TabularResult, limit = Number.POSITIVE_INFINITY): JsonResult {
  const columns = [...result.groupColumns, ...result.valueColumns].map(({ key, label, type }) => ({ key, label, type: type ?? 'text' }));
  const rows = result.rows
    .slice(0, limit)
    .map((row) => [
      ...result.groupColumns.map((group): JsonCell => ({ value: row[group.key] ?? null, label: groupLabel(result, group.key, row[group.key]) })),
      ...result.valueColumns.map((value): JsonCell => ({ value: row[value.key] ?? null, label: null })),
    ]);
  return { columns, rows, description: result.description, truncated: result.rows.length > limit };
}

/** JSON, for previews and charts. */
export const jsonFormatter: FormatterDefinition<Record<string, never>> = {
  alias: 'json',
  title: 'JSON',
  description: 'Columns and rows as JSON, each group cell with its label',
  kinds: ['tabular'],
  contentType: 'application/json',
  extension: 'json',
  params: z.strictObject({}),
  describe: () => 'As JSON',
  async write(result, out) {
    if (result.kind !== 'tabular') throw new TypeError('json formats tabular results');
    await new Promise<void>((resolve, reject) => out.end(JSON.stringify(tabularJson(result)), (error?: Error | null) => (error ? reject(error) : resolve())));
  },
};

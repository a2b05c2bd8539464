import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import { columnTypes } from '../elements/column-type.ts';
import { groupLabel, type ListResult, type TabularResult } from '../elements/export-result.ts';
import type { FormatterDefinition, ResumableListWriter } from '../elements/formatter-definition.ts';
import { ChunkedWriter } from './chunked-writer.ts';

/** One cell of a JSON result: the raw value and, for groups, its label. */
const jsonCellSchema = z.object({ value: z.unknown(), label: z.string().nullable() });
export type JsonCell = z.infer<typeof jsonCellSchema>;

/** A result as JSON (a JSON file, a preview, a chart's data): typed columns, rows of cells, the request's sentences. */
export const jsonResultSchema = z.object({
  columns: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(columnTypes), precision: z.number().int().optional() })),
  rows: z.array(z.array(jsonCellSchema)),
  description: z.array(z.string()),
  truncated: z.boolean(),
});
export type JsonResult = z.infer<typeof jsonResultSchema>;

/** Tabular result as `{columns:[{key,label,type}], rows:[[{value,label}...]], description}` (previews, charts). */
export function tabularJson(result: TabularResult, limit = Number.POSITIVE_INFINITY): JsonResult {
  const columns = [...result.groupColumns, ...result.valueColumns].map(({ key, label, type, precision }) => ({ key, label, type: type ?? 'text', precision }));
  const rows = result.rows
    .slice(0, limit)
    .map((row) => [
      ...result.groupColumns.map((group): JsonCell => ({ value: row[group.key] ?? null, label: groupLabel(result, group.key, row[group.key]) })),
      ...result.valueColumns.map((value): JsonCell => ({ value: row[value.key] ?? null, label: null })),
    ]);
  return { columns, rows, description: result.description, truncated: result.rows.length > limit };
}

/** Whether rows were written before the checkpoint: the next one then needs its comma. */
const jsonListState = z.object({ rows: z.number().int().nonnegative() });

/**
 * A list as one JSON document of {@link jsonResultSchema}'s shape, streamed row by row: the head
 * (columns, sentences) first, then the rows array, so memory stays flat and a task can continue it.
 */
function resumeJsonList(result: ListResult, out: Writable, _params: unknown, state?: unknown): ResumableListWriter {
  const writer = new ChunkedWriter(out);
  let rows = state === undefined ? 0 : jsonListState.parse(state).rows;
  const cell = (value: unknown) => JSON.stringify({ value: value ?? null, label: null });
  return {
    write: async () => {
      if (state === undefined) {
        const columns = result.columns.map(({ key, label, type, precision }) => ({ key, label, type: type ?? 'text', precision }));
        await writer.write(`{"columns":${JSON.stringify(columns)},"description":${JSON.stringify(result.description)},"truncated":false,"rows":[`);
      }
      for await (const page of result.pages) {
        await writer.write(page.map((row, index) => `${rows + index > 0 ? ',' : ''}[${row.map(cell).join(',')}]`).join(''));
        rows += page.length;
      }
      await writer.write(']}');
      await writer.end();
      await finished(out);
    },
    checkpoint: async () => {
      await writer.flush();
      return { rows };
    },
  };
}

/** JSON: a tabular result (previews, charts) or a list streamed row by row, each cell `{value, label}`. */
export const jsonFormatter: FormatterDefinition<Record<string, never>> = {
  alias: 'json',
  title: 'JSON',
  description: 'Columns and rows as JSON, each group cell with its label',
  kinds: ['tabular', 'list'],
  contentType: 'application/json',
  extension: 'json',
  params: z.strictObject({}),
  describe: () => 'As JSON',
  async write(result, out, params) {
    if (result.kind === 'list') return resumeJsonList(result, out, params).write();
    await new Promise<void>((resolve, reject) => out.end(JSON.stringify(tabularJson(result)), (error?: Error | null) => (error ? reject(error) : resolve())));
  },
  resumeList: resumeJsonList,
};

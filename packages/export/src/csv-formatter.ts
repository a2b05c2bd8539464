import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { FormatterDefinition } from './elements.ts';
import type { ExportResult } from './export-result.ts';
import { cellText, neutraliseFormula } from './spreadsheet-cell.ts';
import { checkPivot, headerBlock, pivotSchema, toGrid } from './tabular-grid.ts';

const csvParams = z.strictObject({
  separator: z.enum([',', ';', '\t']).default(','),
  /** A UTF-8 byte order mark, for spreadsheet applications that need it to detect the encoding. */
  bom: z.boolean().default(false),
  header: z.boolean().default(false).describe('Title, element sentences, time and user above the table'),
  neutraliseFormulas: z.boolean().default(true),
  pivot: pivotSchema.optional(),
});
type CsvParams = z.output<typeof csvParams>;

function cellFor(params: CsvParams) {
  return (value: unknown) => {
    const text = cellText(value);
    return params.neutraliseFormulas && typeof value === 'string' ? neutraliseFormula(text) : text;
  };
}

/** Writes a tabular result laid out (optionally pivoted), or streams a list with back-pressure. RFC 4180 quoting by csv-stringify. */
async function writeCsv(result: ExportResult, out: Writable, params: CsvParams): Promise<void> {
  const csv = stringify({ delimiter: params.separator, bom: params.bom });
  csv.pipe(out);
  const cell = cellFor(params);
  const write = async (row: unknown[]) => {
    if (!csv.write(row.map(cell))) await new Promise((resolve) => csv.once('drain', resolve));
  };
  if (params.header) {
    for (const line of headerBlock(result)) await write([line]);
    await write([]);
  }
  if (result.kind === 'tabular') {
    const grid = toGrid(result, params.pivot);
    for (const row of [...grid.header, ...grid.body]) await write(row);
  } else {
    await write(result.columns.map((column) => column.label));
    for await (const row of result.rows) await write(row);
  }
  csv.end();
  await finished(out);
}

const csvDescription = (params: CsvParams) => `As CSV separated by ${params.separator === '\t' ? 'tabs' : `"${params.separator}"`}`;

/** `csv`: a tabular result, aggregators as rows or columns (pivot). */
export const csvFormatter: FormatterDefinition<CsvParams> = {
  alias: 'csv',
  title: 'CSV',
  description: 'Comma-separated values; aggregators as rows or columns',
  kinds: ['tabular'],
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  params: csvParams,
  describe: csvDescription,
  check: (params, aliases) => checkPivot(params.pivot, aliases),
  write: writeCsv,
};

/** `csv_list`: one line per row of a list export, streamed. */
export const csvListFormatter: FormatterDefinition<CsvParams> = {
  ...csvFormatter,
  alias: 'csv_list',
  title: 'CSV (list)',
  description: 'Comma-separated values, one line per row',
  kinds: ['list'],
  check: undefined,
};

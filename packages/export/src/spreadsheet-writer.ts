import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { z } from 'zod';
import { ChunkedWriter } from './chunked-writer.ts';
import type { ExportResult } from './export-result.ts';
import { neutraliseFormula } from './spreadsheet-cell.ts';
import { headerBlock, pivotSchema, toGrid } from './tabular-grid.ts';

/** Parameters shared by the XLSX and ODS formatters. */
export const spreadsheetParams = z.strictObject({
  header: z.boolean().default(false).describe('Title, element sentences, time and user above the table'),
  neutraliseFormulas: z.boolean().default(true),
  pivot: pivotSchema.optional(),
  /** Rows per sheet before a new sheet starts with the column header repeated (Excel's limit by default). */
  maxRowsPerSheet: z.number().int().min(2).max(1_048_576).default(1_048_576),
});
export type SpreadsheetParams = z.output<typeof spreadsheetParams>;

/** What a spreadsheet file format must provide; rows arrive in order, sheets one after another. */
export interface SheetFormat {
  /** XML text of one row; `header` rows are styled as headers. */
  row(cells: readonly unknown[], header: boolean): string;
  sheetStart(name: string): string;
  sheetEnd(): string;
  /** Entries before the sheets (e.g. ODS's uncompressed `mimetype` must come first). */
  leadingEntries(zip: ZipFile): void;
  /** Whether all sheets go in one entry (ODS content.xml) or one entry each (XLSX worksheets). */
  singleEntry: { path: string; prefix: string; suffix: string } | null;
  sheetPath(index: number): string;
  /** Entries that list the sheets, written once their number is known. */
  trailingEntries(zip: ZipFile, sheetNames: readonly string[]): void;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the control characters XML 1.0 forbids is the point
const xmlForbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: idem
const xmlSpecial = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Text safe inside XML: escaped, and without the control characters XML 1.0 forbids. */
export function xmlText(value: string): string {
  // Most cells need nothing: one test instead of five replacements (a third of a large export's time).
  if (!xmlSpecial.test(value)) return value;
  return value.replace(xmlForbidden, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A zip entry fed from strings through a {@link ChunkedWriter}. */
function entryWriter(zip: ZipFile, path: string): ChunkedWriter {
  const stream = new PassThrough();
  zip.addReadStream(stream, path);
  return new ChunkedWriter(stream);
}

/**
 * Streams a result into a zipped spreadsheet: a tabular result laid out (optionally pivoted), or a
 * list row by row. A sheet that reaches `maxRowsPerSheet` rows is closed and the next one starts with
 * the column header repeated. Memory holds one chunk, never the rows.
 */
export async function writeSpreadsheet(result: ExportResult, out: Writable, params: SpreadsheetParams, format: SheetFormat): Promise<void> {
  const zip = new ZipFile();
  zip.outputStream.pipe(out);
  format.leadingEntries(zip);
  const cell = (value: unknown) => (params.neutraliseFormulas && typeof value === 'string' ? neutraliseFormula(value) : value);

  const sheetNames: string[] = [];
  const grid = result.kind === 'tabular' ? toGrid(result, params.pivot) : null;
  const columnHeader: unknown[][] = grid ? grid.header : [result.kind === 'list' ? result.columns.map((column) => column.label) : []];
  const single = format.singleEntry ? entryWriter(zip, format.singleEntry.path) : null;
  if (single && format.singleEntry) await single.write(format.singleEntry.prefix);
  let entry: ChunkedWriter | null = null;
  let rowsInSheet = 0;

  const startSheet = async () => {
    sheetNames.push(`Sheet${sheetNames.length + 1}`);
    entry = single ?? entryWriter(zip, format.sheetPath(sheetNames.length));
    await entry.write(format.sheetStart(sheetNames.at(-1) as string));
    rowsInSheet = 0;
  };
  const endSheet = async () => {
    await entry?.write(format.sheetEnd());
    if (!single) await entry?.end();
  };
  const writeRow = async (cells: readonly unknown[], header: boolean) => {
    await entry?.write(format.row(cells.map(cell), header));
    rowsInSheet++;
  };
  const writeData = async (cells: readonly unknown[]) => {
    if (rowsInSheet >= params.maxRowsPerSheet) {
      await endSheet();
      await startSheet();
      for (const header of columnHeader) await writeRow(header, true);
    }
    await writeRow(cells, false);
  };

  await startSheet();
  if (params.header) {
    for (const line of headerBlock(result)) await writeRow([line], false);
    await writeRow([], false);
  }
  for (const header of columnHeader) await writeRow(header, true);
  if (grid) for (const row of grid.body) await writeData(row);
  else if (result.kind === 'list') for await (const row of result.rows) await writeData(row);
  await endSheet();
  if (single && format.singleEntry) {
    await single.write(format.singleEntry.suffix);
    await single.end();
  }
  format.trailingEntries(zip, sheetNames);
  zip.end();
  await finished(out);
}

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { type ExportResult, type FormatterDefinition, odsFormatter, type SpreadsheetParams, xlsxFormatter } from '../src/index.ts';
import { sampleList, sampleTabular } from './sample-results.ts';

const tabular = () =>
  sampleTabular('Brussels & <Co>', [
    { person_center: 1, person_gender: 'female', count: 3 },
    { person_center: 1, person_gender: 'male', count: 2 },
    { person_center: 2, person_gender: null, count: 1 },
  ]);

function list(count: number, extra: unknown[][] = []) {
  return sampleList([...Array.from({ length: count }, (_, i) => [i + 1, `name ${i + 1}`, (i + 1) / 4]), ...extra]);
}

async function render(
  formatter: FormatterDefinition<SpreadsheetParams>,
  result: ExportResult,
  params: Partial<SpreadsheetParams> = {},
): Promise<XLSX.WorkBook> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await formatter.write(result, out, formatter.params.parse(params));
  return XLSX.read(Buffer.concat(chunks), { type: 'buffer' });
}

const cells = (book: XLSX.WorkBook, sheet = 0) =>
  XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[sheet] as string] as XLSX.WorkSheet, { header: 1, defval: null });

describe.each([
  ['xlsx', xlsxFormatter],
  ['ods', odsFormatter],
] as const)('%s formatter (read back with SheetJS)', (_, formatter) => {
  it('writes a tabular result cell by cell, numbers as numbers, XML escaped', async () => {
    expect(cells(await render(formatter, tabular()))).toEqual([
      ['Center', 'Gender', 'Number of people'],
      ['Brussels & <Co>', 'Female', 3],
      ['Brussels & <Co>', 'Male', 2],
      ['Antwerp', 'Unknown', 1],
    ]);
  });

  it('pivots, and puts the header block above the table', async () => {
    const book = await render(formatter, tabular(), { header: true, pivot: { rows: [], columns: ['person_gender'] } });
    const rows = cells(book);
    expect(rows.slice(0, 5).map((row) => row[0])).toEqual([
      'Count people',
      'Count people',
      'Grouped by gender',
      'Generated at 2026-01-02T03:04:05.000Z',
      'By alice',
    ]);
    expect(rows.slice(-3)).toEqual([
      ['Center', 'Number of people', 'Number of people', 'Number of people'],
      ['Brussels & <Co>', 3, 2, null],
      ['Antwerp', null, null, 1],
    ]);
  });

  it('streams a list and starts a new sheet with the header repeated at the row limit', async () => {
    const book = await render(formatter, list(10), { maxRowsPerSheet: 4 });
    expect(book.SheetNames).toHaveLength(4);
    const all = book.SheetNames.flatMap((_, index) => {
      const rows = cells(book, index);
      expect(rows[0]).toEqual(['Id', 'Name', 'Score']);
      expect(rows.length).toBeLessThanOrEqual(4);
      return rows.slice(1);
    });
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, `name ${i + 1}`, (i + 1) / 4]));
  });

  it('neutralises formulas and drops characters XML cannot hold', async () => {
    const rows = cells(
      await render(
        formatter,
        list(0, [
          [1, '=HYPERLINK("x")', '+1'],
          [2, '@SUM(A1)', 'bell\u0007char'],
          [3, '-2', -2],
        ]),
      ),
    );
    expect(rows.slice(1)).toEqual([
      [1, '\'=HYPERLINK("x")', "'+1"],
      [2, "'@SUM(A1)", 'bellchar'],
      [3, "'-2", -2],
    ]);
  });
});

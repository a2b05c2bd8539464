import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { CalendarDate, type ExportResult, FixedDecimal, type FormatterDefinition, odsFormatter, type SpreadsheetParams, xlsxFormatter } from '../src/index.ts';
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
  return XLSX.read(Buffer.concat(chunks), { type: 'buffer', cellDates: true });
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
    expect(rows.slice(0, 4).map((row) => row[0])).toEqual(['Count people', 'Grouped by gender', 'Generated on January 2, 2026 at 3:04:05 AM UTC', 'By alice']);
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

  it('leaves text untouched: string cells are never evaluated, so no formula guard alters them', async () => {
    const rows = cells(
      await render(
        formatter,
        list(0, [
          [1, '=HYPERLINK("x")', '+32 tel'],
          [2, '@SUM(A1)', '-Minus'],
          [3, '-2', -2],
          [4, ' leading space', 'trailing space '],
          [5, 'two  spaces\tand a tab', 'two\nlines'],
        ]),
      ),
    );
    expect(rows.slice(1)).toEqual([
      [1, '=HYPERLINK("x")', '+32 tel'],
      [2, '@SUM(A1)', '-Minus'],
      [3, '-2', -2],
      [4, ' leading space', 'trailing space '],
      [5, 'two  spaces\tand a tab', 'two\nlines'],
    ]);
  });

  it('keeps control characters where the format can hold them: XLSX escapes them, ODS (XML 1.0) cannot and drops them', async () => {
    const [, row] = cells(await render(formatter, list(0, [[1, 'bell\u0007char', 'literal _x0041_']])));
    expect(row?.slice(0, 2)).toEqual([1, formatter.alias === 'xlsx' ? 'bell\u0007char' : 'bellchar']);
    // Text that looks like an escape stays itself in XLSX (SheetJS also unescapes it in ODS, where no such escape exists).
    if (formatter.alias === 'xlsx') expect(row?.[2]).toBe('literal _x0041_');
  });

  it('writes days and instants as date cells an independent reader sees as dates', async () => {
    const book = await render(formatter, list(0, [[1, new CalendarDate('1815-12-10'), new Date('2025-03-04T05:06:07Z')]]));
    const [, [, day, instant] = []] = cells(book);
    expect(day).toBeInstanceOf(Date);
    expect((day as Date).toISOString().slice(0, 10)).toBe('1815-12-10');
    expect(instant).toBeInstanceOf(Date);
    expect((instant as Date).toISOString().slice(0, 19)).toBe('2025-03-04T05:06:07');
  });

  it('writes a decimal with declared places rounded, as a number shown with that many places', async () => {
    const book = await render(
      formatter,
      list(0, [
        [1, 'a', new FixedDecimal(2 / 3, 2)],
        [2, 'b', new FixedDecimal(5, 2)],
      ]),
    );
    const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
    expect([sheet.C2?.v, sheet.C3?.v]).toEqual([0.67, 5]);
    expect([sheet.C2?.t, sheet.C3?.t]).toEqual(['n', 'n']);
    expect([sheet.C2?.w, sheet.C3?.w]).toEqual(['0.67', '5.00']);
  });
});

describe('xlsx styles', () => {
  it('has a default cell style, so readers (openpyxl) do not warn', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sluice-xlsx-'));
    try {
      const out = createWriteStream(join(directory, 'a.xlsx'));
      await xlsxFormatter.write(list(1), out, xlsxFormatter.params.parse({}));
      const styles = execFileSync('unzip', ['-p', join(directory, 'a.xlsx'), 'xl/styles.xml'], { encoding: 'utf8' });
      expect(styles).toContain('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>');
      expect(styles).toMatch(/<numFmt numFmtId="168" formatCode="0\.00"\/>/);
    } finally {
      await rm(directory, { recursive: true });
    }
  });
});

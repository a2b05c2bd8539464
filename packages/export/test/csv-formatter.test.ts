import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvFormatter, csvListFormatter, type ExportResult, FixedDecimal } from '../src/index.ts';
import { sampleList, sampleTabular } from './sample-results.ts';

const tabular = () =>
  sampleTabular('Brussels', [
    { person_center: 1, person_gender: 'female', count: 3 },
    { person_center: 1, person_gender: 'male', count: 2 },
    { person_center: 2, person_gender: 'female', count: 5 },
    { person_center: 2, person_gender: null, count: 1 },
  ]);
const list = sampleList;

async function format(result: ExportResult, params: Record<string, unknown> = {}): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const formatter = result.kind === 'list' ? csvListFormatter : csvFormatter;
  await formatter.write(result, out, formatter.params.parse(params));
  return Buffer.concat(chunks).toString('utf8');
}

describe('csv formatter', () => {
  it('writes a decimal with declared places as fixed-point text, in the chosen decimal mark', async () => {
    const rows = [
      [1, 'a', new FixedDecimal(2 / 3, 2)],
      [2, 'b', new FixedDecimal(-5, 1)],
    ];
    expect(parse(await format(list(rows))).slice(1)).toEqual([
      ['1', 'a', '0.67'],
      ['2', 'b', '-5.0'],
    ]);
    expect(parse(await format(list(rows), { separator: ';', decimalComma: true }), { delimiter: ';' }).slice(1)).toEqual([
      ['1', 'a', '0,67'],
      ['2', 'b', '-5,0'],
    ]);
  });

  it('writes a tabular result with aggregators as rows, labels in group cells', async () => {
    const cells = parse(await format(tabular()));
    expect(cells).toEqual([
      ['Center', 'Gender', 'Number of people'],
      ['Brussels', 'Female', '3'],
      ['Brussels', 'Male', '2'],
      ['Antwerp', 'Female', '5'],
      ['Antwerp', 'Unknown', '1'],
    ]);
  });

  it('pivots aggregators into columns, in the order the user chose', async () => {
    const cells = parse(await format(tabular(), { pivot: { columns: ['person_gender'] } }));
    expect(cells).toEqual([
      ['Gender', 'Female', 'Male', 'Unknown'],
      ['Center', 'Number of people', 'Number of people', 'Number of people'],
      ['Brussels', '3', '2', ''],
      ['Antwerp', '5', '', '1'],
    ]);
    const swapped = parse(await format(tabular(), { pivot: { rows: ['person_gender'], columns: [] } }));
    expect(swapped[0]).toEqual(['Gender', 'Center', 'Number of people']);
  });

  it('streams a list with separator, BOM and header block, and neutralises formulas', async () => {
    const text = await format(
      list([
        [1, '=HYPERLINK("http://evil")', -5],
        [2, '+1', 0],
        [3, '@SUM(A1)', null],
        [4, '\tTab', 1.5],
        [5, 'plain; "quoted"', 2],
      ]),
      {
        separator: ';',
        bom: true,
        header: true,
      },
    );
    expect(text.startsWith('\uFEFF')).toBe(true);
    // Strict RFC 4180 parsing: every line, the header block too, has the table's field count; the title once.
    const cells = parse(text.slice(1), { delimiter: ';' });
    expect(cells.slice(0, 5)).toEqual([
      ['Count people', '', ''],
      ['Grouped by gender', '', ''],
      ['Generated on January 2, 2026 at 3:04:05 AM UTC', '', ''],
      ['By alice', '', ''],
      ['', '', ''],
    ]);
    expect(cells.slice(5)).toEqual([
      ['Id', 'Name', 'Score'],
      ['1', '\'=HYPERLINK("http://evil")', '-5'],
      ['2', "'+1", '0'],
      ['3', "'@SUM(A1)", ''],
      ['4', "'\tTab", '1.5'],
      ['5', 'plain; "quoted"', '2'],
    ]);
    const raw = parse(await format(list([[1, '=1+1', 0]]), { neutraliseFormulas: false }));
    expect(raw[1]).toEqual(['1', '=1+1', '0']);
  });

  it('has an excel preset (BOM, ";", decimal commas) whose options can be overridden, and checks them', async () => {
    const text = await format(list([[1, 'a', 1.5]]), { preset: 'excel' });
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parse(text.slice(1), { delimiter: ';' })).toEqual([
      ['Id', 'Name', 'Score'],
      ['1', 'a', '1,5'],
    ]);
    expect(parse(await format(list([[1, 'a', 1.5]]), { preset: 'excel', decimalComma: false, bom: false }), { delimiter: ';' })[1]).toEqual(['1', 'a', '1.5']);
    expect(csvFormatter.check?.(csvFormatter.params.parse({ decimalComma: true }), [])).toEqual([
      { path: 'decimalComma', message: expect.stringContaining('";"') },
    ]);
    expect(csvListFormatter.params.safeParse({ pivot: { rows: [], columns: ['nope'] } }).success).toBe(false);
  });

  it('respects back-pressure on large lists', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => [i, `name ${i}`, i % 7]);
    const lines = parse(await format(list(rows)));
    expect(lines).toHaveLength(50_001);
    expect(lines.at(-1)).toEqual(['49999', 'name 49999', String(49_999 % 7)]);
  });
});

import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describeEachDialect } from '@sluice/test-utils';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { type ExportDefinition, ExportRegistry, jsonFormatter, type ListExportDefinition, odsFormatter, writeExport } from '../src/index.ts';
import { alice, createTaskFixture, listBooks, type TaskFixture, taskRegistry } from './task-fixture.ts';

const books = 1_200;
/** The reader's choice: no row key among them, a new order, one header renamed. */
const choice = [{ key: 'pages' }, { key: 'title', label: 'Name of the book' }];

describeEachDialect('a list writes the columns its request chose', (dialect) => {
  let f: TaskFixture;
  let registry: ExportRegistry;
  /** Alice's books in id order, as the chosen columns should hold them. */
  let expected: [number, string][];
  beforeAll(async () => {
    f = await createTaskFixture(dialect, { books, libraries: 2 });
    registry = taskRegistry().registerFormatter(odsFormatter).registerFormatter(jsonFormatter);
    const rows = await f.orm.em.getConnection().execute('select pages, title from task_book order by id');
    // Text that a spreadsheet would run as a formula is written with a leading apostrophe.
    expected = rows.map((row) => [Number(row.pages), String(row.title).startsWith('=') ? `'${row.title}` : String(row.title)]);
  });
  afterAll(() => f?.close());

  async function write(request: object): Promise<Buffer> {
    const out = new PassThrough();
    const collected = buffer(out);
    await (await writeExport(registry.prepare(request, alice), f.orm.em.fork(), out)).done;
    return collected;
  }

  const sheetOf = (file: Buffer) => {
    const book = XLSX.read(file, { type: 'buffer' });
    return XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet, { header: 1, defval: null });
  };

  it('in CSV (written by the database where it can), in order, under the chosen labels', async () => {
    const records = parse(await write({ export: 'list_books', formatter: { alias: 'csv_list' }, columns: choice }), { bom: true }) as string[][];
    expect(records[0]).toEqual(['Pages', 'Name of the book']);
    expect(records.slice(1).map(([pages, title]) => [Number(pages), title])).toEqual(expected);
  });

  it.each(['xlsx', 'ods'])('in %s, numbers still numbers', async (alias) => {
    const rows = sheetOf(await write({ export: 'list_books', formatter: { alias }, columns: choice }));
    expect(rows[0]).toEqual(['Pages', 'Name of the book']);
    expect(rows.slice(1)).toEqual(expected.map(([pages, title]) => [pages, title.replace(/^'/, '')]));
  });

  it('in JSON, keyed by the chosen columns', async () => {
    const json = JSON.parse((await write({ export: 'list_books', formatter: { alias: 'json' }, columns: choice })).toString());
    expect(json.columns.map((column: { key: string; label: string }) => [column.key, column.label])).toEqual([
      ['pages', 'Pages'],
      ['title', 'Name of the book'],
    ]);
    expect(json.rows.length).toBe(books);
  });

  it('without a choice, writes the default columns', async () => {
    const trimmed: ListExportDefinition<Record<string, never>> = { ...listBooks, alias: 'list_titles', defaultColumns: ['title', 'id'] };
    registry.registerExport(trimmed);
    const records = parse(await write({ export: 'list_titles', formatter: { alias: 'csv_list' } }), { bom: true }) as string[][];
    expect(records[0]).toEqual(['Title', 'Id']);
    expect(records.length).toBe(books + 1);
  });

  it('refuses a choice it does not offer, twice the same column, or a choice for a tabular export', () => {
    const refusal = (request: object) => {
      try {
        registry.prepare({ export: 'list_books', formatter: { alias: 'csv_list' }, ...request }, alice);
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    };
    expect(refusal({ columns: [{ key: 'id' }, { key: 'password' }] })).toMatchObject({
      code: 'EXPORT_INVALID_PARAMETERS',
      details: { issues: [{ path: 'columns.1.key', message: expect.stringContaining('offered: id, title, library, pages') }] },
    });
    expect(refusal({ columns: [{ key: 'id' }, { key: 'id', label: 'again' }] })).toMatchObject({
      code: 'EXPORT_INVALID_PARAMETERS',
      details: { issues: [{ path: 'columns.1.key', message: '"id" is chosen twice' }] },
    });
    expect(refusal({ columns: [] })).toMatchObject({ code: 'EXPORT_INVALID_REQUEST' });
    expect(refusal({ columns: [{ key: 'id', label: 'x'.repeat(201) }] })).toMatchObject({ code: 'EXPORT_INVALID_REQUEST' });
    expect(refusal({ columns: [{ key: 'id', expression: 'password' }] })).toMatchObject({ code: 'EXPORT_INVALID_REQUEST' });
    expect(refusal({ export: 'count_books', formatter: { alias: 'csv' }, columns: [{ key: 'count' }] })).toMatchObject({ code: 'EXPORT_NOT_APPLICABLE' });
  });

  it('offers the columns and their defaults, and documents each list its own keys', () => {
    const offered = registry.available(alice).find((candidate) => candidate.alias === 'list_books');
    expect(offered?.columns.map((column) => [column.key, column.type, column.default])).toEqual([
      ['id', 'integer', true],
      ['title', 'text', true],
      ['library', 'integer', true],
      ['pages', 'integer', true],
    ]);
    const schema = registry.requestSchema();
    expect(schema.safeParse({ export: 'list_books', formatter: { alias: 'csv_list' }, columns: [{ key: 'pages' }] }).success).toBe(true);
    expect(schema.safeParse({ export: 'list_books', formatter: { alias: 'csv_list' }, columns: [{ key: 'nope' }] }).success).toBe(false);
    expect(schema.safeParse({ export: 'count_books', formatter: { alias: 'csv' }, columns: [{ key: 'count' }] }).success).toBe(false);
  });
});

it('refuses at registration a list whose columns or defaults cannot be chosen from', () => {
  const register = (changes: object) => () => new ExportRegistry().registerExport({ ...listBooks, ...changes } as ExportDefinition);
  expect(register({ columns: [...listBooks.columns, listBooks.columns[0]] })).toThrow('column "id" is declared twice');
  expect(register({ defaultColumns: ['id', 'isbn'] })).toThrow('default column "isbn" is not a column');
  expect(register({ defaultColumns: [] })).toThrow('defaultColumns, when given, names at least one column');
  expect(register({ columns: () => [] })).toThrow('a list export needs an array of columns');
});

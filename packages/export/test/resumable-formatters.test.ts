import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { csvListFormatter, DirectoryTaskStorage, type FormatterDefinition, odsFormatter, xlsxFormatter } from '../src/index.ts';
import { sampleList } from './sample-results.ts';

const rowCount = 12_000;
const rows = Array.from({ length: rowCount }, (_, i) => [i + 1, i % 500 === 0 ? `=cmd ${i}, "q"` : `name ${i + 1} ${'x'.repeat(i % 40)}`, (i + 1) / 4]);

describe.each([
  ['csv_list', csvListFormatter, {}],
  ['xlsx', xlsxFormatter, { maxRowsPerSheet: 5_000 }],
  ['ods', odsFormatter, { maxRowsPerSheet: 5_000 }],
] as const)('%s continued after a crash from a checkpoint', (alias, formatter, rawParams) => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sluice-resume-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  async function write(storage: DirectoryTaskStorage, key: string, from: number, to: number, state?: unknown, offset = 0) {
    const sink = await storage.openForWriting(key, offset);
    const definition = formatter as FormatterDefinition<unknown>;
    const writer = definition.resumeList?.(sampleList([]), sink, definition.params.parse(rawParams), state);
    if (!writer) throw new Error(`${alias} is not resumable`);
    for (const row of rows.slice(from, to)) await writer.row(row);
    return { sink, writer };
  }

  it('holds every row exactly once and is a valid file', async () => {
    const storage = new DirectoryTaskStorage(directory);
    const key = await storage.create(1, formatter.extension);
    // First run: checkpoint after 7,000 rows (past the first sheet), write 2,000 more, then die.
    const first = await write(storage, key, 0, 7_000);
    const state = JSON.parse(JSON.stringify(await first.writer.checkpoint()));
    const bytes = await first.sink.sync();
    for (const row of rows.slice(7_000, 9_000)) await first.writer.row(row);
    await first.writer.checkpoint();
    await first.sink.sync();
    first.sink.destroy();
    expect(await storage.size(key)).toBeGreaterThan(bytes);

    const second = await write(storage, key, 7_000, rowCount, state, bytes);
    await second.writer.end();
    const file = await readFile(join(directory, key));

    const uninterrupted = await storage.create(2, formatter.extension);
    const reference = await write(storage, uninterrupted, 0, rowCount);
    await reference.writer.end();
    const expected = await readFile(join(directory, uninterrupted));

    if (alias === 'csv_list') {
      expect(file.toString()).toBe(expected.toString());
      return;
    }
    // unzip checks every entry's CRC and sizes.
    execFileSync('unzip', ['-tq', join(directory, key)]);
    const sheets = (buffer: Buffer) => {
      const book = XLSX.read(buffer, { type: 'buffer' });
      return book.SheetNames.map((name) => XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[name] as XLSX.WorkSheet, { header: 1, defval: null }));
    };
    const got = sheets(file);
    expect(got.map((sheet) => sheet.length)).toEqual([5_000, 5_000, 2_003]);
    expect(got).toEqual(sheets(expected));
    expect(got.flatMap((sheet) => sheet.slice(1)).map((row) => row[0])).toEqual(rows.map((row) => row[0]));
  });
});

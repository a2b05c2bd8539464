import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import {
  csvListFormatter,
  DirectoryTaskStorage,
  type FileSink,
  type FormatterDefinition,
  jsonFormatter,
  type ListResult,
  odsFormatter,
  type ResumableListWriter,
  xlsxFormatter,
} from '../src/index.ts';
import { sampleList } from './sample-results.ts';

const rowCount = 12_000;
const rows = Array.from({ length: rowCount }, (_, i) => [i + 1, i % 500 === 0 ? `=cmd ${i}, "q"` : `name ${i + 1} ${'x'.repeat(i % 40)}`, (i + 1) / 4]);

describe.each([
  ['csv_list', csvListFormatter, {}],
  ['xlsx', xlsxFormatter, { maxRowsPerSheet: 5_000 }],
  ['ods', odsFormatter, { maxRowsPerSheet: 5_000 }],
  ['json', jsonFormatter, {}],
] as const)('%s continued after a crash from a checkpoint', (alias, formatter, rawParams) => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sluice-resume-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  /** Writes rows `from`..`to` in pages of 500; `during` runs after each page (a checkpoint, a crash). */
  async function write(
    storage: DirectoryTaskStorage,
    key: string,
    from: number,
    to: number,
    options: { state?: unknown; offset?: number; during?: (i: number, writer: ResumableListWriter, sink: FileSink) => Promise<void> } = {},
  ) {
    const sink = await storage.openForWriting(key, { bytes: options.offset ?? 0 });
    const definition = formatter as FormatterDefinition<unknown>;
    let writer: ResumableListWriter | undefined;
    const list: ListResult = {
      ...sampleList([]),
      pages: (async function* () {
        for (let i = from; i < to; i += 500) {
          yield rows.slice(i, Math.min(i + 500, to));
          await options.during?.(Math.min(i + 500, to), writer as ResumableListWriter, sink);
        }
      })(),
    };
    writer = definition.resumeList?.(list, sink, definition.params.parse(rawParams), options.state);
    if (!writer) throw new Error(`${alias} is not resumable`);
    return { sink, writer };
  }

  it('holds every row exactly once and is a valid file', async () => {
    const storage = new DirectoryTaskStorage(directory);
    const key = await storage.create(1, formatter.extension);
    // First run: checkpoint after 7,000 rows (past the first sheet), write 2,000 more, then die.
    let state: unknown;
    let bytes = 0;
    const first = await write(storage, key, 0, rowCount, {
      during: async (i, writer, sink) => {
        if (i === 7_000) {
          state = JSON.parse(JSON.stringify(await writer.checkpoint()));
          ({ bytes } = await sink.sync());
        }
        if (i === 9_000) {
          await writer.checkpoint();
          await sink.sync();
          throw new Error('killed');
        }
      },
    });
    await expect(first.writer.write()).rejects.toThrow('killed');
    first.sink.destroy();
    expect(await storage.size(key)).toBeGreaterThan(bytes);

    const second = await write(storage, key, 7_000, rowCount, { state, offset: bytes });
    await second.writer.write();
    const file = await readFile(join(directory, key));

    const uninterrupted = await storage.create(2, formatter.extension);
    await (await write(storage, uninterrupted, 0, rowCount)).writer.write();
    const expected = await readFile(join(directory, uninterrupted));

    if (alias === 'csv_list' || alias === 'json') {
      expect(file.toString()).toBe(expected.toString());
      if (alias === 'json') expect(JSON.parse(file.toString()).rows.map((row: { value: unknown }[]) => row[0]?.value)).toEqual(rows.map((row) => row[0]));
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

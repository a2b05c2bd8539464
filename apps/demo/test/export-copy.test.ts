import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { dialectNamed } from '@sluice/db';
import { type ListResult, type ResumableListWriter, runExport } from '@sluice/export';
import { countTurns, describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { demoExportRegistry } from '../src/exports/demo-exports.ts';
import { exportUser } from '../src/exports/export-user.ts';
import { listPeople } from '../src/exports/person-elements.ts';
import { startTestApp, type TestApp } from './test-app.ts';

const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });

/** Names that exercise quoting, formula neutralising and empty strings. */
const trickyNames = [
  '=1+1',
  '-minus',
  '+plus',
  '@at',
  '\ttab',
  '\rreturn',
  'a,b',
  'semi;colon',
  'quote"inside',
  '"quoted"',
  'multi\nline',
  '',
  "'apostrophe",
  'Zoë ☃',
  'back\\slash',
  'x'.repeat(95),
  ' edge spaces ',
  'two  spaces',
  '_x0041_ looks escaped',
  '&<>" to escape',
  '\u00a0no-break edges\u00a0',
  'control \u0001\u001f\u000b\u000c\b',
  'Liège',
  'ends in é',
  '\\N',
  '\uffff',
];

function collect(): { out: PassThrough; text: () => string; bytes: () => number; data: () => Buffer } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const data = () => Buffer.concat(chunks);
  return { out, text: () => data().toString(), bytes: () => chunks.reduce((sum, chunk) => sum + chunk.length, 0), data };
}

/** Each sheet of a workbook as rows of cells, read back by an independent reader (SheetJS). */
function sheets(file: Buffer): unknown[][][] {
  const book = XLSX.read(file, { type: 'buffer', cellDates: true });
  return book.SheetNames.map((name) => XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[name] as XLSX.WorkSheet, { header: 1, defval: null, raw: true }));
}

/** The export's demo registry with the people list also with its key last, and without its key. */
function registryWithKeyVariants() {
  const registry = demoExportRegistry();
  // The demo's lists have their row key as the first column; COPY must also find it as the last one,
  // and add it to each record when no column holds it.
  const { columns } = listPeople;
  registry.registerExport({ ...listPeople, alias: 'people_key_last', columns: [...columns.slice(1), ...columns.slice(0, 1)], defaultColumns: undefined });
  registry.registerExport({ ...listPeople, alias: 'people_without_key', columns: columns.slice(1), defaultColumns: undefined });
  return registry;
}

const lists = ['list_people', 'list_activities', 'people_key_last', 'people_without_key'];

/**
 * What the list's formatter writes for `request`: from the database's `text` (`csvLines` or
 * `databaseText`) when `copy`, else row by row. The database writes that text on dialects that can
 * (checked); the header block shows one fixed instant, so both ways must match byte for byte.
 */
async function written(options: {
  t: TestApp;
  registry: ReturnType<typeof registryWithKeyVariants>;
  request: object;
  text: 'csvLines' | 'databaseText';
  copy: boolean;
}): Promise<ReturnType<typeof collect>> {
  const prepared = options.registry.prepare(options.request, admin);
  const result = (await runExport(prepared, options.t.orm.em.fork(), { now: new Date('2026-01-02T03:04:05Z') })) as ListResult;
  expect(result[options.text] !== undefined).toBe(dialectNamed(options.t.dialect).copyCsv);
  if (!options.copy) result[options.text] = undefined;
  const collected = collect();
  await prepared.formatter.definition.write(result, collected.out, prepared.formatter.params);
  return collected;
}

/**
 * Runs `prepared` in chunks of 97 rows, writing it whole, and keeps every checkpoint: its cursor, the
 * bytes and rows written by then, and the writer's state (as JSON, as a task stores it).
 */
async function checkpointedRun(t: TestApp, prepared: ReturnType<ReturnType<typeof registryWithKeyVariants>['prepare']>) {
  const marks: { cursor: string; bytes: number; rows: number; state: unknown }[] = [];
  let writer: ResumableListWriter | undefined;
  const whole = collect();
  const result = (await runExport(prepared, t.orm.em.fork(), {
    copyChunkRows: 97,
    pageSize: 97,
    onCheckpoint: async ({ cursor, rows }) => {
      const state = JSON.parse(JSON.stringify((await writer?.checkpoint()) ?? null));
      marks.push({ cursor, bytes: whole.bytes(), rows, state });
    },
  })) as ListResult;
  writer = prepared.formatter.definition.resumeList?.(result, whole.out, prepared.formatter.params);
  await writer?.write();
  expect(marks.length).toBeGreaterThan(10);
  return { marks, whole, result };
}

/** A demo with 1,500 people, some of them named to exercise every escape. */
async function startTrickyApp(dialect: Parameters<typeof startTestApp>[0]): Promise<TestApp> {
  const t = await startTestApp(dialect, { people: 1_500 });
  const connection = t.orm.em.getConnection();
  for (const [i, name] of trickyNames.entries()) {
    await connection.execute('update person set first_name = ?, last_name = ? where id = ?', [name, trickyNames[(i + 3) % trickyNames.length], i * 37 + 1]);
  }
  return t;
}

describeEachDialect('CSV lists written by the database', (dialect) => {
  let t: TestApp;
  const registry = registryWithKeyVariants();
  beforeAll(async () => {
    t = await startTrickyApp(dialect);
  });
  afterAll(() => t.close());

  const csv = async (request: object, options: { copy: boolean }) => (await written({ t, registry, request, text: 'csvLines', ...options })).text();

  it('writes byte for byte what the row-by-row writer writes', async () => {
    for (const exportAlias of lists) {
      for (const params of [{}, { separator: ';', bom: true }, { separator: '\t', neutraliseFormulas: false }]) {
        const request = { export: exportAlias, formatter: { alias: 'csv_list', params } };
        const byDatabase = await csv(request, { copy: true });
        expect(byDatabase.length).toBeGreaterThan(10_000);
        expect(byDatabase === (await csv(request, { copy: false })), `${exportAlias} ${JSON.stringify(params)}`).toBe(true);
      }
    }
    const people = await csv({ export: 'list_people', formatter: { alias: 'csv_list' } }, { copy: true });
    expect(people).toContain(",'=1+1,");
    expect(people).toContain('"multi\nline"');
    expect(people).toContain('"quote""inside"');
  });

  it('lets the event loop turn between pages while a list is written, so a big download holds up no other request', async () => {
    // A download to a fast reader never waits for I/O; over better-sqlite3 no statement does either.
    const prepared = registry.prepare({ export: 'list_people', formatter: { alias: 'csv_list' } }, admin);
    const result = (await runExport(prepared, t.orm.em.fork(), { pageSize: 97 })) as ListResult;
    result.csvLines = undefined; // the rows' path, every dialect's
    const turns = countTurns();
    const { out, text } = collect();
    await prepared.formatter.definition.write(result, out, prepared.formatter.params);
    expect(turns.stop()).toBeGreaterThanOrEqual(Math.floor(1_500 / 97));
    expect(text().split('\n').length).toBeGreaterThan(1_500);
  });

  it.each(lists)('checkpoints between chunks and resumes from any of them to the same file: %s', async (exportAlias) => {
    const prepared = registry.prepare({ export: exportAlias, formatter: { alias: 'csv_list' } }, admin);
    const { marks, whole, result } = await checkpointedRun(t, prepared);
    expect(marks.at(-1)?.rows).toBe(result.rowsRead());
    for (const mark of [marks[0], marks[5], marks.at(-2)]) {
      const rest = collect();
      const resumed = (await runExport(prepared, t.orm.em.fork(), { copyChunkRows: 97, pageSize: 97, from: mark?.cursor })) as ListResult;
      await prepared.formatter.definition.resumeList?.(resumed, rest.out, prepared.formatter.params, null).write();
      expect(Buffer.from(whole.text()).subarray(0, mark?.bytes).toString() + rest.text()).toBe(whole.text());
      expect((mark?.rows ?? 0) + resumed.rowsRead()).toBe(result.rowsRead());
    }
  });

  it('sizes its chunks to the checkpoint interval at the pace so far, so a long list needs few statements', async () => {
    const prepared = registry.prepare({ export: 'list_people', formatter: { alias: 'csv_list' } }, admin);
    const chunksWith = async (copyChunkMs: number) => {
      const rows: number[] = [];
      const result = (await runExport(prepared, t.orm.em.fork(), {
        copyChunkRows: 97,
        copyChunkMs,
        onCheckpoint: (position) => void rows.push(position.rows),
      })) as ListResult;
      await prepared.formatter.definition.resumeList?.(result, collect().out, prepared.formatter.params).write();
      expect(rows.at(-1)).toBe(result.rowsRead());
      return rows.map((count, i) => count - (rows[i - 1] ?? 0)).slice(0, -1);
    };
    // A minute's worth of rows is far more than the list: each chunk is eight times the one before.
    // A microsecond's worth is less than the first chunk: they never shrink below it.
    const [fast, slow] = [await chunksWith(60_000), await chunksWith(0.001)];
    if (dialectNamed(dialect).copyCsv) expect([fast, [...new Set(slow)]]).toEqual([[97, 776], [97]]);
  });
});

describeEachDialect('spreadsheet lists written from the database text', (dialect) => {
  let t: TestApp;
  let directory: string;
  const registry = registryWithKeyVariants();
  beforeAll(async () => {
    t = await startTrickyApp(dialect);
    directory = await mkdtemp(join(tmpdir(), 'sluice-sheet-copy-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(directory, { recursive: true, force: true });
  });

  const sheetFile = async (request: object, options: { copy: boolean }) => (await written({ t, registry, request, text: 'databaseText', ...options })).data();

  it('writes byte for byte what the row-by-row writer writes, every escape, NULL, day, decimal and instant included', async () => {
    for (const exportAlias of lists) {
      for (const alias of ['xlsx', 'ods']) {
        for (const params of [{}, { maxRowsPerSheet: 400, header: true }]) {
          const request = { export: exportAlias, formatter: { alias, params } };
          const byDatabase = await sheetFile(request, { copy: true });
          expect(byDatabase.equals(await sheetFile(request, { copy: false })), `${exportAlias} ${alias} ${JSON.stringify(params)}`).toBe(true);
        }
      }
    }
    const [people] = sheets(await sheetFile({ export: 'list_people', formatter: { alias: 'xlsx' } }, { copy: true }));
    expect(people).toHaveLength(1_501);
    const names = people?.flatMap((row) => [row[1], row[2]]);
    for (const name of ['two  spaces', ' edge spaces ', '_x0041_ looks escaped', '&<>" to escape', 'Liège', '\\N', 'multi\nline'])
      expect(names).toContain(name);
  });

  it.each(['xlsx', 'ods'])('checkpoints between chunks and resumes from any of them to the same rows: %s', async (alias) => {
    const prepared = registry.prepare({ export: 'list_people', formatter: { alias, params: { maxRowsPerSheet: 700 } } }, admin);
    const { marks, whole, result } = await checkpointedRun(t, prepared);
    const expected = sheets(whole.data());
    expect(expected.map((sheet) => sheet.length)).toEqual([700, 700, 103]);
    for (const mark of [marks[0], marks[7], marks.at(-2)]) {
      const rest = collect();
      const resumed = (await runExport(prepared, t.orm.em.fork(), { copyChunkRows: 97, pageSize: 97, from: mark?.cursor })) as ListResult;
      await prepared.formatter.definition.resumeList?.(resumed, rest.out, prepared.formatter.params, mark?.state).write();
      const file = join(directory, `resumed.${alias}`);
      await writeFile(file, Buffer.concat([whole.data().subarray(0, mark?.bytes), rest.data()]));
      execFileSync('unzip', ['-tq', file]); // every entry's CRC and sizes
      expect(sheets(Buffer.concat([whole.data().subarray(0, mark?.bytes), rest.data()]))).toEqual(expected);
      expect((mark?.rows ?? 0) + resumed.rowsRead()).toBe(result.rowsRead());
    }
  });
});

import { PassThrough } from 'node:stream';
import { dialectNamed } from '@sluice/db';
import { type ListResult, type ResumableListWriter, runExport } from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
];

function collect(): { out: PassThrough; text: () => string; bytes: () => number } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { out, text: () => Buffer.concat(chunks).toString(), bytes: () => chunks.reduce((sum, chunk) => sum + chunk.length, 0) };
}

describeEachDialect('CSV lists written by the database', (dialect) => {
  let t: TestApp;
  const registry = demoExportRegistry();
  // The demo's lists have their row key as the first column; COPY must also find it as the last one,
  // and add it to each record when no column holds it.
  const { columns } = listPeople;
  registry.registerExport({ ...listPeople, alias: 'people_key_last', columns: [...columns.slice(1), ...columns.slice(0, 1)], defaultColumns: undefined });
  registry.registerExport({ ...listPeople, alias: 'people_without_key', columns: columns.slice(1), defaultColumns: undefined });
  const lists = ['list_people', 'list_activities', 'people_key_last', 'people_without_key'];
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 1_500 });
    const connection = t.orm.em.getConnection();
    for (const [i, name] of trickyNames.entries()) {
      await connection.execute('update person set first_name = ?, last_name = ? where id = ?', [name, trickyNames[(i + 3) % trickyNames.length], i * 37 + 1]);
    }
  });
  afterAll(() => t.close());

  async function csv(request: object, options: { copy: boolean }): Promise<string> {
    const prepared = registry.prepare(request, admin);
    const result = (await runExport(prepared, t.orm.em.fork())) as ListResult;
    expect(result.csvLines !== undefined).toBe(dialectNamed(dialect).copyCsv);
    if (!options.copy) result.csvLines = undefined;
    const { out, text } = collect();
    await prepared.formatter.definition.write(result, out, prepared.formatter.params);
    return text();
  }

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

  it.each(lists)('checkpoints between chunks and resumes from any of them to the same file: %s', async (exportAlias) => {
    const request = { export: exportAlias, formatter: { alias: 'csv_list' } };
    const prepared = registry.prepare(request, admin);
    const marks: { cursor: string; bytes: number; rows: number }[] = [];
    let writer: ResumableListWriter | undefined;
    const whole = collect();
    const result = (await runExport(prepared, t.orm.em.fork(), {
      copyChunkRows: 97,
      pageSize: 97,
      onCheckpoint: async ({ cursor, rows }) => {
        await writer?.checkpoint();
        marks.push({ cursor, bytes: whole.bytes(), rows });
      },
    })) as ListResult;
    writer = prepared.formatter.definition.resumeList?.(result, whole.out, prepared.formatter.params);
    await writer?.write();
    expect(marks.length).toBeGreaterThan(10);
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

/**
 * One export run in a fresh process (so peak RSS is its own), used by export.bench.ts:
 * `node bench/export-run.ts <database-url> <engine: sluice|exceljs> <request-json> <out-file>`.
 * Prints `{"seconds","rows","peakRssMb"}`.
 */
import { createWriteStream } from 'node:fs';
import { type ListResult, runExport, tuneForStreaming, writeExport } from '@sluice/export';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { demoExportRegistry } from '../apps/demo/src/exports/demo-exports.ts';
import { exportUser } from '../apps/demo/src/exports/export-user.ts';

const [url, engine, requestJson, out] = process.argv.slice(2) as [string, 'sluice' | 'exceljs', string, string];
if (process.env.SLUICE_BENCH_TUNED) tuneForStreaming();
const { orm } = await openDatabase(url);
const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });
const prepared = demoExportRegistry().prepare(JSON.parse(requestJson), admin);
const started = performance.now();
let rows = 0;
if (engine === 'sluice') {
  rows = await (await writeExport(prepared, orm.em.fork(), createWriteStream(out))).done;
} else {
  // The anchor: exceljs's streaming writer fed the very same rows.
  const list = (await runExport(prepared, orm.em.fork())) as ListResult;
  // Loaded only here, so sluice's own runs do not carry its memory.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow(list.columns.map((column) => column.label)).commit();
  for await (const row of list.rows) {
    sheet.addRow(row).commit();
    rows++;
  }
  sheet.commit();
  await workbook.commit();
}
const seconds = (performance.now() - started) / 1000;
await orm.close();
console.log(JSON.stringify({ seconds, rows, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));

/**
 * One export in this process with its time and memory, for profiling a single case:
 * `node [--expose-gc] bench/mem-probe.ts <database-url> '<export request json>' [page size]`.
 * Prints RSS after opening the database, then peaks sampled every 50 ms (RSS, heap, external buffers)
 * and, with --expose-gc, the live heap after the export. Writes the file to the OS temp directory.
 */
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExport } from '@sluice/export';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { demoExportRegistry } from '../apps/demo/src/exports/demo-exports.ts';
import { exportUser } from '../apps/demo/src/exports/export-user.ts';

const [url = '', request = '', pageSize = '5000'] = process.argv.slice(2);
const mb = (n: number) => Math.round(n / 1048576);
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
};
const timer = setInterval(sample, 50);
const { orm } = await openDatabase(url);
globalThis.gc?.();
console.log('after open: rss', mb(process.memoryUsage.rss()), 'MB, heap', mb(process.memoryUsage().heapUsed), 'MB');
const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });
const prepared = demoExportRegistry().prepare(JSON.parse(request), admin);
const started = performance.now();
await (await writeExport(prepared, orm.em.fork(), createWriteStream(join(tmpdir(), 'sluice-probe.out')), { pageSize: Number(pageSize) })).done;
clearInterval(timer);
sample();
globalThis.gc?.();
console.log('after export: live heap', mb(process.memoryUsage().heapUsed), 'MB');
console.log(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    ...Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, mb(v)])),
    maxRSS: mb(process.resourceUsage().maxRSS * 1024),
  }),
);
await orm.close();

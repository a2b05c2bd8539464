import v8 from 'node:v8';

if (process.env.SEMI) v8.setFlagsFromString(process.env.SEMI);

import { createWriteStream } from 'node:fs';
import { runExport } from '@sluice/export';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { demoExportRegistry } from '../apps/demo/src/exports/demo-exports.ts';
import { exportUser } from '../apps/demo/src/exports/export-user.ts';

const mb = (n: number) => Math.round(n / 1048576);
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sample = () => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
};
const timer = setInterval(sample, 50);
const { orm } = await openDatabase(process.argv[2] as string);
sample();
globalThis.gc?.();
console.log('after open', mb(process.memoryUsage.rss()), 'heap', mb(process.memoryUsage().heapUsed));
const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });
const prepared = demoExportRegistry().prepare(JSON.parse(process.argv[3] as string), admin);
const started = performance.now();
const result = await runExport(prepared, orm.em.fork(), { pageSize: Number(process.argv[4] ?? 5000) });
await prepared.formatter.definition.write(
  result,
  createWriteStream('/tmp/probe.out', { highWaterMark: Number(process.env.HWM ?? 16384) }),
  prepared.formatter.params,
);
clearInterval(timer);
sample();
globalThis.gc?.();
console.log('live after', mb(process.memoryUsage().heapUsed), 'rss', mb(process.memoryUsage.rss()));
console.log(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    ...Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, mb(v)])),
    maxRSS: mb(process.resourceUsage().maxRSS * 1024),
  }),
);
await orm.close();

/**
 * Task files on S3 vs a local disk: `node bench/task-storage.bench.ts [--people 1000000] [--rounds 3]`.
 * PostgreSQL with `--people` generated people (SQL, in seconds) and s3rver (npm) on loopback, started
 * here. Each run is `sluice export:process <task>` in its own process (bench/cli-run.ts), writing the
 * task's file to EXPORT_DIR or to the bucket (8 MiB parts); disk and S3 take turns within each round.
 * - `list_people` to CSV and to XLSX, every row and a tenth of them (born 1950-01-01..1955-06-23):
 *   seconds and peak RSS of the worker process, median (min-max);
 * - 10 queued XLSX tasks of a tenth each, drained by 1 and by 2 `sluice export:worker` processes on S3.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExportTask, ExportTaskService } from '@sluice/export';
import { createTestDatabase, startTestS3 } from '@sluice/test-utils';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { demoTaskConfig } from '../apps/demo/src/exports/export-tasks.ts';
import { exportUser } from '../apps/demo/src/exports/export-user.ts';
import { fillWithPeople } from './bulk-database.ts';
import { drainWithWorkers } from './drain-tasks.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' } } });
const people = Number(values.people);
const root = join(import.meta.dirname, '..');
const directory = mkdtempSync(join(tmpdir(), 'sluice-storage-bench-'));
const database = await createTestDatabase('postgresql');
const s3 = await startTestS3();
const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });
// Children run the sources, as this process does (not whatever dist/ the last install built).
const base = { ...process.env, NODE_OPTIONS: '--conditions=sluice-source', DATABASE_URL: database.url, EXPORT_DIR: directory, REDIS_URL: '' };
const environments = { disk: base, s3: { ...base, ...s3.env } };
type Side = keyof typeof environments;

// Asynchronous: s3rver answers from this very process, so its event loop must keep running.
async function processTask(id: number, side: Side): Promise<{ seconds: number; peakRssMb: number }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'cli-run.ts'), 'export:process', String(id)], { cwd: root, env: environments[side] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise((done) => child.once('exit', done));
  const last = JSON.parse(stderr.trim().split('\n').at(-1) as string);
  if (last.code !== 0) throw new Error(`export:process ${id} on ${side} failed:\n${stderr}`);
  return last;
}

try {
  const { orm } = await openDatabase(database.url);
  await fillWithPeople(orm.em, people);
  const service = new ExportTaskService(
    demoTaskConfig(orm.em, { directory, tuning: { rateLimit: { maxPerWindow: 1_000, windowMs: 60_000, maxLive: 1_000 } } }),
  );
  const load = (id: number) => orm.em.fork().findOneOrFail(ExportTask, id);
  const tenth = { person_birthdate: { from: '1950-01-01', to: '1955-06-23' } };

  console.log(`## Task files on S3 (s3rver) vs local disk, PostgreSQL, ${people.toLocaleString('en-US')} people, ${values.rounds} rounds`);
  console.log('| format | rows | disk: seconds | S3: seconds | S3 / disk | peak RSS disk / S3 (MB) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const alias of ['csv_list', 'xlsx']) {
    for (const filters of [{}, tenth]) {
      const runs: Record<Side, { seconds: number[]; rss: number[] }> = { disk: { seconds: [], rss: [] }, s3: { seconds: [], rss: [] } };
      let rows = 0;
      for (let round = 0; round < Number(values.rounds); round++) {
        const order: Side[] = round % 2 === 0 ? ['disk', 's3'] : ['s3', 'disk'];
        for (const side of order) {
          const { id } = await service.create({ export: 'list_people', filters, formatter: { alias } }, admin);
          const run = await processTask(id, side);
          const task = await load(id);
          if (task.status !== 'succeeded') throw new Error(`task ${id} ${task.status}: ${task.errorMessage}`);
          rows = task.processedCount;
          runs[side].seconds.push(run.seconds);
          runs[side].rss.push(run.peakRssMb);
        }
      }
      const ratios = runs.s3.seconds.map((seconds, i) => seconds / (runs.disk.seconds[i] as number));
      console.log(
        `| ${alias} | ${rows.toLocaleString('en-US')} | ${spread(runs.disk.seconds, 2)} | ${spread(runs.s3.seconds, 2)} | ${spread(ratios, 2)}x | ${spread(runs.disk.rss, 0)} / ${spread(runs.s3.rss, 0)} |`,
      );
    }
  }

  for (const workers of [1, 2]) {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await service.create({ export: 'list_people', filters: tenth, formatter: { alias: 'xlsx' } }, admin)).id);
    const { seconds, tasks } = await drainWithWorkers(ids, workers, environments.s3, load);
    const total = tasks.reduce((sum, task) => sum + task.processedCount, 0);
    const peak = Math.max(...tasks.map((task) => task.peakMemoryBytes ?? 0)) / 1048576;
    console.log(
      `10 XLSX tasks of ${tasks[0]?.processedCount} rows on S3, ${workers} export:worker process(es): ${seconds.toFixed(2)} s, ${Math.round(total / seconds).toLocaleString('en-US')} rows/s; worker peak RSS ${peak.toFixed(0)} MB`,
    );
  }
  await orm.close();
} finally {
  await s3.close();
  await database.drop();
  rmSync(directory, { recursive: true, force: true });
}

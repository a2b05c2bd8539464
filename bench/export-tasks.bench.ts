/**
 * Export tasks on PostgreSQL: `node bench/export-tasks.bench.ts --people 1000000` (or `--url <postgres
 * url>` of a database the seed already filled).
 * Seeds a fresh database, then:
 * - worker overhead: list_people (every row) to CSV through a task (`sluice export:process`) vs
 *   directly (`sluice export:run`), each in its own process (cli-run.ts), alternated, median of 3;
 * - throughput: 10 queued tasks of about 100,000 rows each, drained by 1 and by 2
 *   `sluice export:worker` processes; peak RSS of the worker processes as the tasks recorded it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExportTask, ExportTaskService } from '@sluice/export';
import { createTestDatabase } from '@sluice/test-utils';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { demoTaskConfig } from '../apps/demo/src/exports/export-tasks.ts';
import { exportUser } from '../apps/demo/src/exports/export-user.ts';
import { drainWithWorkers } from './drain-tasks.ts';

// --url reuses a database the seed already filled.
const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' }, url: { type: 'string' } } });
const people = Number(values.people);
const here = import.meta.dirname;
const root = join(here, '..');
const dir = mkdtempSync(join(tmpdir(), 'sluice-task-bench-'));
const database = values.url ? { url: values.url, drop: async () => {} } : await createTestDatabase('postgresql');
const env = { ...process.env, DATABASE_URL: database.url, EXPORT_DIR: dir, REDIS_URL: '' };
const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function cli(...args: string[]): { seconds: number; peakRssMb: number } {
  const result = spawnSync(process.execPath, [join(here, 'cli-run.ts'), ...args], { cwd: root, env, encoding: 'utf8' });
  const last = JSON.parse(result.stderr.trim().split('\n').at(-1) as string);
  if (last.code !== 0) throw new Error(`sluice ${args.join(' ')} failed:\n${result.stderr}`);
  return last;
}

try {
  if (!values.url) execFileSync(process.execPath, [join(root, 'apps/demo/src/cli/seed.ts'), '--people', String(people)], { env, stdio: 'inherit' });
  const { orm } = await openDatabase(database.url);
  const service = new ExportTaskService(
    demoTaskConfig(orm.em, { directory: dir, tuning: { rateLimit: { maxPerWindow: 1_000, windowMs: 60_000, maxLive: 1_000 } } }),
  );
  const load = (id: number) => orm.em.fork().findOneOrFail(ExportTask, { id });

  const listAll = { export: 'list_people', formatter: { alias: 'csv_list' } };
  const requestFile = join(dir, 'request.json');
  writeFileSync(requestFile, JSON.stringify(listAll));
  const direct: number[] = [];
  const task: number[] = [];
  let taskRss = 0;
  let directRss = 0;
  let rows = 0;
  for (let round = 0; round < 3; round++) {
    const out = join(dir, 'direct.csv');
    const d = cli('export:run', '--request', requestFile, '--out', out, '--user', '1');
    direct.push(d.seconds);
    directRss = Math.max(directRss, d.peakRssMb);
    const created = await service.create(listAll, admin);
    const t = cli('export:process', String(created.id));
    task.push(t.seconds);
    taskRss = Math.max(taskRss, t.peakRssMb);
    const done = await load(created.id);
    rows = done.processedCount;
    if (done.fileSize !== statSync(out).size) throw new Error('task and direct files differ in size');
    rmSync(out);
  }
  console.log(`## Export tasks, PostgreSQL, ${people} people`);
  console.log(
    `list_people to CSV, ${rows} rows: task (export:process) ${median(task).toFixed(2)} s, direct (export:run) ${median(direct).toFixed(2)} s: ${(median(task) / median(direct)).toFixed(3)}x (medians of 3; runs ${task.map((s) => s.toFixed(2)).join('/')} vs ${direct.map((s) => s.toFixed(2)).join('/')})`,
  );
  console.log(`peak RSS: task process ${taskRss} MB, direct process ${directRss} MB`);

  const decade = { ...listAll, filters: { person_birthdate: { from: '1980-01-01', to: '1989-12-31' } } };
  for (const workers of [1, 2]) {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await service.create(decade, admin)).id);
    const { seconds, tasks } = await drainWithWorkers(ids, workers, env, load);
    const total = tasks.reduce((sum, t) => sum + t.processedCount, 0);
    const peak = Math.max(...tasks.map((t) => t.peakMemoryBytes ?? 0)) / 1048576;
    console.log(
      `10 tasks of ${tasks[0]?.processedCount} rows, ${workers} worker process(es): ${seconds.toFixed(2)} s, ${Math.round(total / seconds).toLocaleString('en-US')} rows/s; worker peak RSS ${peak.toFixed(0)} MB`,
    );
  }
  await orm.close();
} finally {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}

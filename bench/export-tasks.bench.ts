/**
 * Export tasks on PostgreSQL: `node --conditions=sluice-source bench/export-tasks.bench.ts --people 1000000 [--rounds 5] [--busy]`
 * (or `--url <postgres url>` of a database the seed already filled). Seeds a fresh database, then:
 * - per-task overhead, as users meet it: `list_people` (every row) to CSV three ways, each round in
 *   rotating order, through the bundled CLI (`dist/sluice.mjs`): directly (`sluice export:run`, the
 *   anchor, spawn to exit), as a task run by `sluice export:process <id>` (spawn to exit), and as a task
 *   a running `sluice export:worker` takes from BullMQ (creation to success). `--busy` keeps one core
 *   busy with another process throughout, as a loaded machine would;
 * - throughput: 10 queued tasks of about 100,000 rows each, drained by 1 and by 2
 *   `sluice export:worker` processes; peak RSS of the worker processes as the tasks recorded it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExportTask, ExportTaskService } from '@sluice/export';
import { BullmqTaskDispatcher } from '@sluice/export/bullmq';
import { createTestDatabase } from '@sluice/test-utils';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { demoTaskConfig } from '../apps/demo/src/exports/export-tasks.ts';
import { exportUser } from '../apps/demo/src/exports/export-user.ts';
import { drainWithWorkers } from './drain-tasks.ts';
import { spread } from './stats.ts';

// --url reuses a database the seed already filled.
const { values } = parseArgs({
  options: { people: { type: 'string', default: '1000000' }, url: { type: 'string' }, rounds: { type: 'string', default: '5' }, busy: { type: 'boolean' } },
});
const people = Number(values.people);
const here = import.meta.dirname;
const root = join(here, '..');
const bundle = join(root, 'dist/sluice.mjs');
const dir = mkdtempSync(join(tmpdir(), 'sluice-task-bench-'));
const database = values.url ? { url: values.url, drop: async () => {} } : await createTestDatabase('postgresql');
const redisUrl = 'redis://127.0.0.1:6379';
const queueName = `bench-${process.pid}`;
const env = { ...process.env, DATABASE_URL: database.url, EXPORT_DIR: dir, REDIS_URL: '', NODE_OPTIONS: '' };
const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });

/** Wall time of one bundled `sluice` command, spawn to exit. */
async function sluice(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [bundle, ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`sluice ${args.join(' ')} exited ${code}:\n${stderr}`);
  return (performance.now() - started) / 1000;
}

try {
  if (!values.url)
    execFileSync(process.execPath, [join(root, 'apps/demo/src/cli/seed.ts'), '--people', String(people)], {
      env: { ...env, NODE_OPTIONS: '--conditions=sluice-source' },
      stdio: 'inherit',
    });
  if (!existsSync(bundle)) execFileSync(process.execPath, [join(root, 'scripts/build-cli.ts')], { cwd: root, stdio: 'inherit' });
  const { orm } = await openDatabase(database.url);
  const config = demoTaskConfig(orm.em, { directory: dir, tuning: { rateLimit: { maxPerWindow: 1_000, windowMs: 60_000, maxLive: 1_000 } } });
  const service = new ExportTaskService(config);
  const queue = new BullmqTaskDispatcher(redisUrl, queueName);
  const queued = new ExportTaskService({ ...config, dispatcher: queue });
  const load = (id: number) => orm.em.fork().findOneOrFail(ExportTask, { id });

  const listAll = { export: 'list_people', formatter: { alias: 'csv_list' } };
  const requestFile = join(dir, 'request.json');
  writeFileSync(requestFile, JSON.stringify(listAll));
  const out = join(dir, 'direct.csv');
  const burner = values.busy ? spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }) : null;
  const worker = spawn(process.execPath, [bundle, 'export:worker'], {
    cwd: root,
    env: { ...env, REDIS_URL: redisUrl, EXPORT_QUEUE: queueName },
    stdio: 'ignore',
  });
  const sides: Record<string, () => Promise<number>> = {
    'export:run (direct)': () => sluice(['export:run', '--request', requestFile, '--out', out, '--user', '1']),
    'export:process (task)': async () => sluice(['export:process', String((await service.create(listAll, admin)).id)]),
    'export:worker (task on BullMQ)': async () => {
      const started = performance.now();
      const { id } = await queued.create(listAll, admin);
      for (let task = await load(id); task.status !== 'succeeded'; task = await load(id)) {
        if (task.status === 'failed') throw new Error(`task ${id} failed: ${task.errorMessage}`);
        await new Promise((wake) => setTimeout(wake, 10));
      }
      return (performance.now() - started) / 1000;
    },
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  try {
    // One untimed task warms the worker (its first claim loads the export code).
    await sides['export:worker (task on BullMQ)']?.();
    const names = Object.keys(sides);
    for (let round = 0; round < Number(values.rounds); round++)
      for (let turn = 0; turn < names.length; turn++) {
        const name = names[(turn + round) % names.length] as string;
        samples[name]?.push(await (sides[name] as () => Promise<number>)());
      }
  } finally {
    worker.kill('SIGTERM');
    burner?.kill('SIGKILL');
    // The queue was this run's own: leave nothing of it in Redis.
    await queue.queue.obliterate({ force: true });
    await queue.close();
  }
  const anchor = samples['export:run (direct)'] as number[];
  console.log(`## Export tasks, PostgreSQL, ${people.toLocaleString('en-US')} people, ${values.rounds} rounds${values.busy ? ', one core kept busy' : ''}`);
  console.log(`list_people to CSV (${statSync(out).size.toLocaleString('en-US')} bytes), seconds and ratio to export:run per round, median (min-max):`);
  for (const [name, seconds] of Object.entries(samples))
    console.log(
      `- ${name}: ${spread(seconds, 2)} s${
        seconds === anchor
          ? ''
          : `, ${spread(
              seconds.map((value, i) => value / (anchor[i] as number)),
              3,
            )}x`
      }`,
    );

  const decade = { ...listAll, filters: { person_birthdate: { from: '1980-01-01', to: '1989-12-31' } } };
  for (const workers of [1, 2]) {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await service.create(decade, admin)).id);
    const { seconds, tasks } = await drainWithWorkers(ids, workers, { ...env, NODE_OPTIONS: '--conditions=sluice-source' }, load);
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

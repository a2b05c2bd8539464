import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dialectNamed } from '@sluice/db';
import { ExportTask } from '@sluice/export';
import { BullmqTaskDispatcher } from '@sluice/export/bullmq';
import { describeEachDialect, startTestS3, type TestS3, testRedisUrl, uniqueQueueName } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { type DemoServer, login, startDemoServer } from '../../../bench/demo-server.ts';
import { bulkPeople } from './fixtures/bulk-people.ts';
import { type BundledCli, buildBundledCli } from './fixtures/bundled-cli.ts';
import { startTestApp, type TestApp } from './test-app.ts';

const root = join(import.meta.dirname, '../../..');
const rows = 120_000;

/** `sluice export:worker` on BullMQ, from `entry`, as a worker machine runs it; resolves its pid's exit. */
function startWorker(entry: string, env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [entry, 'export:worker'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((done) => child.once('exit', (code) => done(code))) };
}

/** Reads a task's server-sent events until `end`, calling `onProgress` with each event's task. */
async function follow(
  base: string,
  token: string,
  id: number,
  onProgress: (task: { status: string; processedCount: number; error: unknown }) => void,
): Promise<string> {
  const response = await fetch(`${base}/api/export-tasks/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.body) throw new Error('no event stream');
  let text = '';
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    for (const [, event, data] of text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)) {
      const task = JSON.parse(data as string);
      onProgress(task);
      if (event === 'end') return task.status;
    }
    text = text.slice(text.lastIndexOf('\n\n') + 2);
  }
  throw new Error('the event stream closed before the end event');
}

describeEachDialect('export tasks across machines: 2 servers, 2 BullMQ workers, files on S3', (dialect) => {
  let t: TestApp;
  let s3: TestS3;
  let bundle: BundledCli;
  let servers: DemoServer[] = [];
  const workers: { child: ChildProcess; exited: Promise<number | null> }[] = [];
  const directories: string[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    [t, s3, bundle] = await Promise.all([startTestApp(dialect, { people: 0, tasks: { workers: 0 } }), startTestS3(), buildBundledCli()]);
    await t.orm.em.getConnection().execute(bulkPeople(dialect, rows));
    await t.orm.em.getConnection().execute(dialectNamed(dialect).analyze(['person']));
    env = {
      ...s3.env,
      REDIS_URL: testRedisUrl(),
      EXPORT_QUEUE: uniqueQueueName(),
      // Small parts and frequent checkpoints, so a kill lands mid-file; a short lease, so the takeover is quick.
      S3_PART_SIZE: String(128 * 1024),
      EXPORT_CHECKPOINT_MS: '100',
      EXPORT_LEASE_MS: '3000',
      EXPORT_SWEEP_MS: '500',
      CURSOR_SECRET: 'shared-by-every-instance',
      SESSION_CACHE_MS: '0',
    };
    // Each process has a directory of its own: a file written to local disk could not be shared.
    for (let i = 0; i < 4; i++) directories.push(await mkdtemp(join(tmpdir(), `sluice-machine-${i}-`)));
    servers = await Promise.all([0, 1].map((i) => startDemoServer(t.database.url, { ...env, EXPORT_DIR: directories[i] as string })));
    // One worker machine runs the sources, the other the production bundle (`npm run build`).
    const entries = [join(root, 'packages/cli/src/bin.ts'), bundle.entry];
    for (const i of [0, 1]) workers.push(startWorker(entries[i] as string, { ...env, DATABASE_URL: t.database.url, EXPORT_DIR: directories[i + 2] as string }));
  });

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
    await Promise.all(servers.map((server) => server.stop()));
    // The killed worker's job stays active in Redis: remove the test's queue with it.
    if (env?.EXPORT_QUEUE) {
      const queue = new BullmqTaskDispatcher(testRedisUrl(), env.EXPORT_QUEUE);
      await queue.queue.obliterate({ force: true });
      await queue.close();
    }
    await s3?.close();
    await bundle?.remove();
    await t?.close();
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it('runs a task created on instance 1, followed and downloaded on instance 2; a killed worker is resumed by the other; the file equals the query', {
    timeout: 120_000,
  }, async () => {
    const [one, two] = servers as [DemoServer, DemoServer];
    const [tokenOne, tokenTwo] = await Promise.all([login(one.base, 'alice'), login(two.base, 'alice')]);
    // XLSX: its zip is continued by the other machine. Checkpoints come every 100 ms (on PostgreSQL after a
    // first COPY chunk of 50,000 rows) and the file goes out in 128 KiB parts: a worker is killed mid-file.
    const request = { export: 'list_people', formatter: { alias: 'xlsx' } };
    const created = await fetch(`${one.base}/api/export-tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOne}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: number };

    const load = () => t.orm.em.fork().findOneOrFail(ExportTask, id);
    const seen: number[] = [];
    const errors = new Set<string>();
    const ended = follow(two.base, tokenTwo, id, (task) => {
      seen.push(task.processedCount);
      if (task.error) errors.add(JSON.stringify(task.error));
    });
    // Once a checkpoint is durable in the object store, kill the worker that holds the task.
    let killedAt = 0;
    for (const deadline = Date.now() + 60_000; !killedAt; ) {
      const task = await load();
      if (task.status !== 'running' && task.status !== 'queued') throw new Error(`the task ended (${task.status}) before a worker could be killed`);
      if ((task.checkpoint?.rows ?? 0) > 0 && task.leaseOwner) {
        const pid = Number(task.leaseOwner.split(':')[1]);
        const holder = workers.find((worker) => worker.child.pid === pid);
        if (!holder) throw new Error(`task held by ${task.leaseOwner}, not one of this test's workers`);
        holder.child.kill('SIGKILL');
        await holder.exited;
        killedAt = task.checkpoint?.rows ?? 0;
      }
      if (Date.now() > deadline) throw new Error('no checkpoint within 60 s');
      await new Promise((wake) => setTimeout(wake, 20));
    }

    expect(await ended).toBe('succeeded');
    const task = await load();
    // A crash is not a failure: one attempt; success (past every checkpoint) clears the crash count.
    expect([...errors]).toEqual([]);
    expect({ status: task.status, attempts: task.attempts, crashes: task.crashes, processedCount: task.processedCount }).toEqual({
      status: 'succeeded',
      attempts: 1,
      crashes: 0,
      processedCount: rows,
    });
    // While it ran the total may have been PostgreSQL's planner estimate (whether it was depends on
    // ANALYZE's sample, so pagination's semantics suite tests that rule); the end has the count.
    expect({ totalCount: task.totalCount, totalIsEstimate: task.totalIsEstimate }).toEqual({ totalCount: rows, totalIsEstimate: false });
    // Resumed, not restarted: once past the kill point, progress never went back below it.
    const afterKill = seen.slice(seen.findIndex((count) => count >= killedAt));
    expect(Math.min(...afterKill)).toBeGreaterThanOrEqual(killedAt);

    const file = await fetch(`${two.base}/api/export-tasks/${id}/download`, { headers: { authorization: `Bearer ${tokenTwo}` } });
    expect(file.status).toBe(200);
    const direct = await fetch(`${one.base}/api/exports/download`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOne}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const sheet = async (response: Response) => {
      const book = XLSX.read(Buffer.from(await response.arrayBuffer()), { type: 'buffer' });
      return XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet, { header: 1, defval: null });
    };
    const [got, expected] = await Promise.all([sheet(file), sheet(direct)]);
    expect(got).toHaveLength(rows + 1);
    expect(got).toEqual(expected);
    // Nothing went to any machine's own disk.
    for (const directory of directories) expect(await readdir(directory)).toEqual([]);
  });
});

import { readdir } from 'node:fs/promises';
import {
  DirectoryTaskStorage,
  ExportTask,
  type ExportTaskConfig,
  ExportTaskRunner,
  ExportTaskService,
  PollingTaskWorker,
  type TaskProgress,
} from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open-orm.ts';
import { demoTaskConfig } from '../src/exports/export-tasks.ts';
import { exportUser } from '../src/exports/export-user.ts';
import { slowDirectory } from './fixtures/slow-storage.ts';
import { startTestApp, type TestApp } from './test-app.ts';

const alice = exportUser({ id: 2, username: 'alice', roles: ['EXPORT'], centerIds: [1, 2] });
const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };
const countPeople = { export: 'count_people', aggregators: { person_gender: {} }, formatter: { alias: 'csv' } };
const fast = { rateLimit: { maxPerWindow: 1_000, windowMs: 60_000, maxLive: 1_000 }, heartbeatMs: 50, checkpointMs: 0, leaseMs: 2_000 };

describeEachDialect('export task workers', (dialect) => {
  let t: TestApp;
  let config: ExportTaskConfig;
  let service: ExportTaskService;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 2_000, tasks: { workers: 0 } });
    config = demoTaskConfig(t.orm.em, { directory: t.exportDirectory, tuning: { ...fast, pageSize: 100 } });
    service = new ExportTaskService(config);
  });
  afterAll(() => t.close());

  const load = (id: number) => t.orm.em.fork().findOneOrFail(ExportTask, { id });

  it('never runs a task twice when two workers race over 50 tasks', async () => {
    const second = await openDatabase(t.database.url);
    try {
      const ids = new Set<number>();
      for (let i = 0; i < 50; i++) ids.add((await service.create(countPeople, alice)).id);
      const runs: number[][] = [[], []];
      const workers = [t.orm, second.orm].map((orm, index) =>
        new PollingTaskWorker(new ExportTaskRunner(demoTaskConfig(orm.em, { directory: t.exportDirectory, tuning: fast })), {
          concurrency: 2,
          pollMs: 10,
          onTaskEnd: (task) => runs[index]?.push(task.id),
        }).start(),
      );
      const deadline = Date.now() + 60_000;
      while ((runs[0]?.length ?? 0) + (runs[1]?.length ?? 0) < 50 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
      await Promise.all(workers.map((worker) => worker.stop()));
      const all = [...(runs[0] ?? []), ...(runs[1] ?? [])];
      expect(all.sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      expect(runs[0]?.length).toBeGreaterThan(0);
      expect(runs[1]?.length).toBeGreaterThan(0);
      const tasks = await t.orm.em.fork().find(ExportTask, { id: { $in: [...ids] } });
      expect(tasks.every((task) => task.status === 'succeeded' && task.attempts === 1)).toBe(true);
      expect(new Set(tasks.map((task) => task.fileKey)).size).toBe(50);
    } finally {
      await second.orm.close();
    }
  });

  it('reports progress that only moves forward and reaches the total', async () => {
    const task = await service.create(listPeople, alice);
    const runner = new ExportTaskRunner(config);
    const reported: TaskProgress[] = [];
    const stored: number[] = [];
    const watching = (async () => {
      for (;;) {
        const current = await load(task.id);
        stored.push(current.processedCount);
        if (current.status !== 'queued' && current.status !== 'running') return;
        await new Promise((wake) => setTimeout(wake, 5));
      }
    })();
    const ended = await runner.run(await runner.claim(task.id), { onProgress: (progress) => reported.push(progress) });
    await watching;
    expect(ended.status).toBe('succeeded');
    const total = ended.totalCount as number;
    expect(total).toBeGreaterThan(1_000);
    const counts = reported.map((progress) => progress.processed);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.length).toBeGreaterThan(3);
    expect(counts.at(-1)).toBe(total);
    expect(stored).toEqual([...stored].sort((a, b) => a - b));
    expect(stored.at(-1)).toBe(total);
  });

  it('honours a cancel while running, between batches, and removes the partial file', async () => {
    const slow = { ...config, storage: slowDirectory(t.exportDirectory, 40), pageSize: 50 };
    const task = await service.create(listPeople, alice);
    const runner = new ExportTaskRunner(slow);
    const run = runner.run(await runner.claim(task.id));
    while ((await load(task.id)).processedCount < 100) await new Promise((wake) => setTimeout(wake, 10));
    expect((await service.cancel(task.id, alice)).status).toBe('running');
    const ended = await run;
    expect(ended).toMatchObject({ status: 'cancelled', fileKey: null });
    expect(ended.processedCount).toBeLessThan(ended.totalCount as number);
    expect((await readdir(t.exportDirectory)).some((name) => name.startsWith(`${task.id}-`))).toBe(false);
  });

  it('retries a failing task with growing delays, then fails it for good after 5 attempts', async () => {
    const broken = {
      ...config,
      retryDelayMs: 1_000,
      storage: new (class extends DirectoryTaskStorage {
        override async openForWriting(): Promise<never> {
          throw new Error('disk unavailable');
        }
      })(t.exportDirectory),
    };
    const task = await service.create(countPeople, alice);
    const runner = new ExportTaskRunner(broken);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const before = Date.now();
      const ended = await runner.run(await runner.claim(task.id));
      expect(ended.attempts).toBe(attempt);
      expect(ended.errorMessage).toBe('disk unavailable');
      if (attempt < 5) {
        expect(ended.status).toBe('queued');
        delays.push(Math.round((ended.runAfter.getTime() - before) / 1_000));
      } else expect(ended.status).toBe('failed');
    }
    expect(delays).toEqual([1, 2, 4, 8]);
    expect(service.view(await load(task.id), alice).error).toEqual({ code: 'INTERNAL_ERROR', message: 'disk unavailable' });
    expect(service.view(await load(task.id), { ...alice, isAdmin: true }).error?.stack).toMatch(/disk unavailable/);
    await expect(runner.claim(task.id)).rejects.toMatchObject({ code: 'EXPORT_TASK_NOT_CLAIMABLE' });
  });

  it('fails at once, without retries, when the owner may no longer run the export', async () => {
    const task = await service.create({ ...listPeople, scopes: ['1'] }, alice);
    const revoked = { ...config, loadUser: async () => exportUser({ id: 2, username: 'alice', roles: ['EXPORT'], centerIds: [2] }) };
    const runner = new ExportTaskRunner(revoked);
    const ended = await runner.run(await runner.claim(task.id));
    expect(ended).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'EXPORT_FORBIDDEN', fileKey: null });
  });

  it('requeues a task whose worker stopped heart-beating, keeping its checkpoint', async () => {
    const task = await service.create(listPeople, alice);
    const dead = new ExportTaskRunner({ ...config, leaseMs: 100 }, 'dead-worker');
    await dead.claim(task.id);
    await new Promise((wake) => setTimeout(wake, 150));
    const reaper = new ExportTaskRunner(config);
    expect(await reaper.reap()).toEqual([task.id]);
    // A crash is not a failure: the attempt is given back and the crash counted instead.
    expect(await load(task.id)).toMatchObject({ status: 'queued', leaseOwner: null, attempts: 0, crashes: 1 });
    const ended = await reaper.run(await reaper.claim(task.id));
    expect(ended).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('fails a task that crashes its worker every time (poison), with its own code, and export:process respects the cap', async () => {
    const task = await service.create(listPeople, alice);
    const capped = { ...config, maxCrashes: 3, leaseMs: 50 };
    const crash = async () => {
      await new ExportTaskRunner(capped, 'crashing-worker').claim(task.id);
      await new Promise((wake) => setTimeout(wake, 80));
    };
    await crash();
    expect(await new ExportTaskRunner(capped).reap()).toEqual([task.id]);
    await crash();
    // A claim by id of a crashed task counts as its crash too, and refuses past the cap without force.
    await expect(new ExportTaskRunner(capped).claim(task.id)).resolves.toMatchObject({ status: 'running', crashes: 2, attempts: 1 });
    await new Promise((wake) => setTimeout(wake, 80));
    await expect(new ExportTaskRunner(capped).claim(task.id)).rejects.toMatchObject({ code: 'EXPORT_TASK_NOT_CLAIMABLE' });
    expect(await new ExportTaskRunner(capped).reap()).toEqual([]);
    expect(await load(task.id)).toMatchObject({ status: 'failed', crashes: 3, attempts: 1, errorCode: 'EXPORT_TASK_CRASH_LOOP', fileKey: null });
  });

  it('stops at the next batch on shutdown and gives the task back without using an attempt', async () => {
    const slow = { ...config, storage: slowDirectory(t.exportDirectory, 40), pageSize: 50 };
    const task = await service.create(listPeople, alice);
    const worker = new PollingTaskWorker(new ExportTaskRunner(slow), { pollMs: 10 });
    // Only this task is due: finished tasks of earlier tests are not.
    worker.start();
    while ((await load(task.id)).processedCount < 100) await new Promise((wake) => setTimeout(wake, 10));
    await worker.stop({ interrupt: true });
    const stopped = await load(task.id);
    expect(stopped).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(stopped.checkpoint?.rows).toBeGreaterThan(0);
    const runner = new ExportTaskRunner(config);
    const resumed: number[] = [];
    const ended = await runner.run(await runner.claim(task.id), { onProgress: (progress) => resumed.push(progress.resumedFrom) });
    expect(ended).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(resumed[0]).toBe(stopped.checkpoint?.rows);
    const direct = await t.request(await t.login('alice'), 'POST', '/api/exports/download', listPeople);
    const file = await t.request(await t.login('alice'), 'GET', `/api/export-tasks/${task.id}/download`);
    expect(file.body).toBe(direct.body);
  });

  it('cleans up expired files and partial files of ended tasks', async () => {
    const task = await service.create(countPeople, alice);
    const short = new ExportTaskRunner({ ...config, retentionMs: 1 });
    const ended = await short.run(await short.claim(task.id));
    expect(ended.status).toBe('succeeded');
    const removed = await service.cleanup(new Date(Date.now() + 1_000));
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await load(task.id)).toMatchObject({ status: 'succeeded', fileKey: null });
    await expect(service.file(task.id, alice)).rejects.toMatchObject({ code: 'EXPORT_TASK_FILE_EXPIRED' });
    expect((await readdir(t.exportDirectory)).some((name) => name.startsWith(`${task.id}-`))).toBe(false);
  });
});

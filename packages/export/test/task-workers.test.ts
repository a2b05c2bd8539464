import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DirectoryTaskStorage, ExportTask, ExportTaskRunner, PollingTaskWorker, type TaskProgress } from '../src/index.ts';
import { slowDirectory } from './slow-storage.ts';
import { alice, countRequest, createTaskFixture, listRequest, openTaskOrm, type TaskFixture, taskRegistry, taskUser } from './task-fixture.ts';

/** Milliseconds per KiB written where a test needs the task still running when it acts (about 1.5 s for alice's books). */
const slow = 20;

describeEachDialect('export task workers', (dialect) => {
  let f: TaskFixture;
  beforeAll(async () => {
    f = await createTaskFixture(dialect, { books: 3_000 });
  });
  afterAll(() => f?.close());

  /** Waits until `condition` holds (20 s at most). */
  async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }

  it('never runs a task twice when two workers on two ORMs race over 40 tasks', async () => {
    const second = await openTaskOrm(f.database);
    try {
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) ids.push((await f.service.create(countRequest, alice)).id);
      const runs: number[][] = [[], []];
      const workers = [f.orm, second].map((orm, index) =>
        new PollingTaskWorker(new ExportTaskRunner(f.config({}, orm.em)), {
          concurrency: 2,
          pollMs: 10,
          onTaskEnd: (task) => runs[index]?.push(task.id),
        }).start(),
      );
      try {
        await until(async () => (runs[0]?.length ?? 0) + (runs[1]?.length ?? 0) >= ids.length, 'every task to run');
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
      }
      expect([...(runs[0] ?? []), ...(runs[1] ?? [])].sort((a, b) => a - b)).toEqual(ids);
      expect(runs[0]?.length).toBeGreaterThan(0);
      expect(runs[1]?.length).toBeGreaterThan(0);
      const tasks = await f.orm.em.fork().find(ExportTask, { id: { $in: ids } });
      expect(tasks.map((task) => [task.status, task.attempts])).toEqual(ids.map(() => ['succeeded', 1]));
      expect(new Set(tasks.map((task) => task.fileKey)).size).toBe(ids.length);
    } finally {
      await second.close(true);
    }
  });

  it('reports progress that only moves forward and reaches the total', async () => {
    const task = await f.service.create(listRequest, alice);
    const runner = new ExportTaskRunner(f.config({ pageSize: 50 }));
    const reported: TaskProgress[] = [];
    const stored: number[] = [];
    let running = true;
    const watching = (async () => {
      while (running) {
        stored.push((await f.load(task.id)).processedCount);
        await sleep(5);
      }
      stored.push((await f.load(task.id)).processedCount);
    })();
    const ended = await runner.run(await runner.claim(task.id), { onProgress: (progress) => reported.push(progress) });
    running = false;
    await watching;
    expect(ended).toMatchObject({ status: 'succeeded', totalCount: f.visibleBooks, processedCount: f.visibleBooks });
    const counts = reported.map((progress) => progress.processed);
    expect(counts.length).toBeGreaterThan(3);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(f.visibleBooks);
    expect(stored).toEqual([...stored].sort((a, b) => a - b));
    expect(stored.at(-1)).toBe(f.visibleBooks);
  });

  it('honours a cancel while running, between batches, and removes the partial file', async () => {
    const task = await f.service.create(listRequest, alice);
    const runner = new ExportTaskRunner(f.config({ storage: slowDirectory(f.directory, slow), pageSize: 50 }));
    const run = runner.run(await runner.claim(task.id));
    await until(async () => (await f.load(task.id)).processedCount >= 100, 'the task to be under way');
    expect(await f.filesOf(task.id)).toHaveLength(1);
    expect((await f.service.cancel(task.id, alice)).status).toBe('running');
    const ended = await run;
    expect(ended).toMatchObject({ status: 'cancelled', fileKey: null });
    expect(ended.processedCount).toBeLessThan(f.visibleBooks);
    expect(await f.filesOf(task.id)).toEqual([]);
  });

  it('retries a failing task with growing delays, then fails it for good after its attempts', async () => {
    const broken = new (class extends DirectoryTaskStorage {
      override async openForWriting(): Promise<never> {
        throw new Error('disk unavailable');
      }
    })(f.directory);
    const task = await f.service.create(countRequest, alice);
    const runner = new ExportTaskRunner(f.config({ storage: broken, retryDelayMs: 1_000, maxAttempts: 5 }));
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      // A claim by id does not wait for the retry delay.
      const ended = await runner.run(await runner.claim(task.id));
      expect(ended).toMatchObject({ attempts: attempt, errorMessage: 'disk unavailable', status: attempt < 5 ? 'queued' : 'failed' });
      // The delay the run set, read off the row: the time it was set is its updatedAt.
      if (attempt < 5) delays.push(Math.round((ended.runAfter.getTime() - ended.updatedAt.getTime()) / 1_000));
    }
    expect(delays).toEqual([1, 2, 4, 8]);
    const failed = await f.load(task.id);
    expect(f.service.view(failed, alice).error).toEqual({ code: 'INTERNAL_ERROR', message: 'disk unavailable' });
    expect(f.service.view(failed, { ...alice, isAdmin: true }).error?.stack).toMatch(/disk unavailable/);
    await expect(runner.claim(task.id)).rejects.toMatchObject({ code: 'EXPORT_TASK_NOT_CLAIMABLE' });
  });

  it('fails at once, without retries, when the owner may no longer run the export', async () => {
    const owners = {
      gone: null,
      'without the scope': taskUser(alice.id, 'alice', ['2']),
      'without the role': taskUser(alice.id, 'alice', ['1', '2'], ['VIEW']),
    };
    for (const [why, owner] of Object.entries(owners)) {
      const task = await f.service.create({ ...listRequest, scopes: ['1'] }, alice);
      const runner = new ExportTaskRunner(f.config({ loadUser: async () => owner }));
      const ended = await runner.run(await runner.claim(task.id));
      expect({ why, ...ended }).toMatchObject({ why, status: 'failed', attempts: 1, errorCode: 'EXPORT_FORBIDDEN', fileKey: null });
      expect(await f.filesOf(task.id)).toEqual([]);
    }
  });

  it('requeues a task whose worker stopped heart-beating, keeping its checkpoint', async () => {
    const task = await f.service.create(listRequest, alice);
    // A worker that got past a durable checkpoint, then died.
    const dying = new ExportTaskRunner(f.config({ storage: slowDirectory(f.directory, slow), pageSize: 50 }), 'dying-worker');
    const interrupt = new AbortController();
    const run = dying.run(await dying.claim(task.id), { signal: interrupt.signal });
    await until(async () => ((await f.load(task.id)).checkpoint?.rows ?? 0) > 0, 'a checkpoint');
    interrupt.abort();
    await run;
    const checkpoint = (await f.load(task.id)).checkpoint;
    expect(checkpoint?.rows).toBeGreaterThan(0);
    // Taken again by a worker that dies without a word: its lease simply runs out.
    const dead = new ExportTaskRunner(f.config({ leaseMs: 100 }), 'dead-worker');
    await dead.claim(task.id);
    await sleep(150);
    const reaper = new ExportTaskRunner(f.config());
    expect(await reaper.reap()).toEqual([task.id]);
    // A crash is not a failure: the attempt is given back and the crash counted instead.
    expect(await f.load(task.id)).toMatchObject({ status: 'queued', leaseOwner: null, attempts: 0, crashes: 1, checkpoint });
    const resumed: number[] = [];
    const ended = await reaper.run(await reaper.claim(task.id), { onProgress: (progress) => resumed.push(progress.resumedFrom) });
    expect(ended).toMatchObject({ status: 'succeeded', attempts: 1, processedCount: f.visibleBooks });
    expect(resumed[0]).toBe(checkpoint?.rows);
  });

  it('fails a task that crashes its worker every time (poison) with its own code, and a claim by id respects the cap', async () => {
    const task = await f.service.create(listRequest, alice);
    const capped = f.config({ maxCrashes: 3, leaseMs: 50 });
    const crash = async () => {
      await new ExportTaskRunner(capped, 'crashing-worker').claim(task.id);
      await sleep(80);
    };
    await crash();
    expect(await new ExportTaskRunner(capped).reap()).toEqual([task.id]);
    await crash();
    // A claim by id of a crashed task counts as its crash too, and refuses past the cap without force.
    await expect(new ExportTaskRunner(capped).claim(task.id)).resolves.toMatchObject({ status: 'running', crashes: 2, attempts: 1 });
    await sleep(80);
    await expect(new ExportTaskRunner(capped).claim(task.id)).rejects.toMatchObject({ code: 'EXPORT_TASK_NOT_CLAIMABLE' });
    expect(await new ExportTaskRunner(capped).reap()).toEqual([]);
    expect(await f.load(task.id)).toMatchObject({ status: 'failed', crashes: 3, attempts: 1, errorCode: 'EXPORT_TASK_CRASH_LOOP', fileKey: null });
  });

  it('stops at the next batch on shutdown and gives the task back without using an attempt', async () => {
    const task = await f.service.create(listRequest, alice);
    // Only this task is due: the other tests' tasks are finished, failed or retrying later.
    const worker = new PollingTaskWorker(new ExportTaskRunner(f.config({ storage: slowDirectory(f.directory, slow), pageSize: 50 })), { pollMs: 10 }).start();
    await until(async () => (await f.load(task.id)).processedCount >= 100, 'the task to be under way');
    await worker.stop({ interrupt: true });
    const stopped = await f.load(task.id);
    expect(stopped).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(stopped.checkpoint?.rows).toBeGreaterThan(0);
    const runner = new ExportTaskRunner(f.config());
    const resumed: number[] = [];
    const ended = await runner.run(await runner.claim(task.id), { onProgress: (progress) => resumed.push(progress.resumedFrom) });
    expect(ended).toMatchObject({ status: 'succeeded', attempts: 1, crashes: 0 });
    expect(resumed[0]).toBe(stopped.checkpoint?.rows);
    const file = await buffer((await f.service.file(task.id, alice)).stream);
    expect(file.equals(await f.direct(listRequest))).toBe(true);
  });

  it('cleans up expired files and partial files of ended tasks', async () => {
    const task = await f.service.create(countRequest, alice);
    const short = new ExportTaskRunner(f.config({ retentionMs: 1 }));
    expect((await short.run(await short.claim(task.id))).status).toBe('succeeded');
    expect(await f.filesOf(task.id)).toHaveLength(1);
    // A task that ended without its file removed (its worker died between the two): cleanup finishes the job.
    const ended = await f.service.create(countRequest, alice);
    const partial = await new DirectoryTaskStorage(f.directory).create(ended.id, 'csv');
    await f.orm.em.fork().nativeUpdate(ExportTask, { id: ended.id }, { status: 'cancelled', fileKey: partial, finishedAt: new Date() });
    const kept = await f.service.create(countRequest, alice);
    const running = await new DirectoryTaskStorage(f.directory).create(kept.id, 'csv');
    await f.orm.em.fork().nativeUpdate(ExportTask, { id: kept.id }, { fileKey: running });

    expect(await f.service.cleanup(new Date(Date.now() + 1_000))).toBe(2);
    expect(await f.load(task.id)).toMatchObject({ status: 'succeeded', fileKey: null });
    await expect(f.service.file(task.id, alice)).rejects.toMatchObject({ code: 'EXPORT_TASK_FILE_EXPIRED' });
    expect(await f.filesOf(task.id)).toEqual([]);
    expect(await f.load(ended.id)).toMatchObject({ status: 'cancelled', fileKey: null });
    expect(await f.filesOf(ended.id)).toEqual([]);
    // A live task's file stays.
    expect(await f.filesOf(kept.id)).toEqual([running]);
    expect(await f.service.cancel(kept.id, alice)).toMatchObject({ status: 'cancelled', fileKey: null });
  });

  it('reads a stored request that says `centers` (as before scopes had their name) as `scopes`', async () => {
    const registry = taskRegistry();
    const old = { export: 'list_books', centers: ['1'], formatter: { alias: 'csv_list' } };
    expect(registry.prepare(old, alice)).toMatchObject({ scopes: ['1'], request: { scopes: ['1'] } });
    expect(registry.prepare({ export: 'list_books', centers: [2], formatter: { alias: 'csv_list' } }, alice).scopes).toEqual(['2']);
    expect(() => registry.prepare({ ...old, centers: ['3'] }, alice)).toThrow(/scope 3/);
    // A task row written by the release before: its request has `centers`, and it runs on those.
    const task = await f.service.create(listRequest, alice);
    await f.orm.em.fork().nativeUpdate(ExportTask, { id: task.id }, { request: old as never });
    expect((await f.load(task.id)).request).toEqual(old);
    const runner = new ExportTaskRunner(f.config());
    const ended = await runner.run(await runner.claim(task.id));
    const [inOne] = await f.orm.em.getConnection().execute('select count(*) as n from task_book where library_id = 1');
    expect(ended).toMatchObject({ status: 'succeeded', processedCount: Number(inOne?.n) });
    expect(Number(inOne?.n)).toBeLessThan(f.visibleBooks);
  });
});

import { ExportTask, ExportTaskRunner, ExportTaskService } from '@sluice/export';
import { BullmqTaskDispatcher, BullmqTaskWorker } from '@sluice/export/bullmq';
import { describeEachDialect, testRedisUrl, uniqueQueueName } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open-orm.ts';
import { demoTaskConfig } from '../src/exports/export-tasks.ts';
import { exportUser } from '../src/exports/export-user.ts';
import { startTestApp, type TestApp } from './test-app.ts';

const alice = exportUser({ id: 2, username: 'alice', roles: ['EXPORT'], centerIds: [1, 2] });
const countPeople = { export: 'count_people', aggregators: { person_gender: {} }, formatter: { alias: 'csv' } };
const tuning = { rateLimit: { maxPerWindow: 1_000, windowMs: 60_000, maxLive: 1_000 }, heartbeatMs: 50 };

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

describeEachDialect('export tasks on BullMQ (real Redis)', (dialect) => {
  let t: TestApp;
  let queueName: string;
  let dispatcher: BullmqTaskDispatcher;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 300, tasks: { workers: 0 } });
    queueName = uniqueQueueName();
    dispatcher = new BullmqTaskDispatcher(testRedisUrl(), queueName);
  });
  afterAll(async () => {
    await dispatcher.queue.obliterate({ force: true });
    await dispatcher.close();
    await t.close();
  });

  it('two workers on one queue run each of 50 tasks exactly once, and stale jobs change nothing', async () => {
    const second = await openDatabase(t.database.url);
    const service = new ExportTaskService({ ...demoTaskConfig(t.orm.em, { directory: t.exportDirectory, tuning }), dispatcher });
    const runs: number[][] = [[], []];
    const workers = [t.orm, second.orm].map((orm, index) => {
      const runner = new ExportTaskRunner({ ...demoTaskConfig(orm.em, { directory: t.exportDirectory, tuning }), dispatcher });
      return new BullmqTaskWorker(runner, dispatcher, testRedisUrl(), { queueName, concurrency: 2, onTaskEnd: (task) => runs[index]?.push(task.id) }).start();
    });
    try {
      const ids: number[] = [];
      for (let i = 0; i < 50; i++) ids.push((await service.create(countPeople, alice)).id);
      const ran = () => (runs[0]?.length ?? 0) + (runs[1]?.length ?? 0);
      await until(() => ran() === 50, '50 tasks');
      expect([...(runs[0] ?? []), ...(runs[1] ?? [])].sort((a, b) => a - b)).toEqual(ids);
      expect(runs[0]?.length).toBeGreaterThan(0);
      expect(runs[1]?.length).toBeGreaterThan(0);

      // A duplicated or late job for a finished task is a no-op: the row says it is done.
      for (const id of ids.slice(0, 5)) await dispatcher.dispatch(id);
      await until(async () => (await dispatcher.queue.getJobCounts('wait', 'active', 'delayed')).wait === 0, 'stale jobs drained');
      await until(async () => (await dispatcher.queue.getJobCounts('active')).active === 0, 'stale jobs done');
      expect(ran()).toBe(50);
      const tasks = await t.orm.em.fork().find(ExportTask, { id: { $in: ids } });
      expect(tasks.every((task) => task.status === 'succeeded' && task.attempts === 1)).toBe(true);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await second.orm.close();
    }
  });

  it('finds queued tasks whose job never reached Redis', async () => {
    // Created without a dispatcher, as if Redis had been down at the time.
    const offline = new ExportTaskService(demoTaskConfig(t.orm.em, { directory: t.exportDirectory, tuning }));
    const task = await offline.create(countPeople, alice);
    const runner = new ExportTaskRunner({ ...demoTaskConfig(t.orm.em, { directory: t.exportDirectory, tuning }), dispatcher });
    const worker = new BullmqTaskWorker(runner, dispatcher, testRedisUrl(), { queueName, sweepMs: 100 }).start();
    try {
      await until(async () => (await t.orm.em.fork().findOneOrFail(ExportTask, { id: task.id })).status === 'succeeded', 'the swept task');
    } finally {
      await worker.stop();
    }
  });

  it('stops at the next batch on SIGTERM (stop with interrupt) and requeues the task with its checkpoint, as the polling worker does', async () => {
    const { slowDirectory } = await import('./fixtures/slow-storage.ts');
    // Enough rows that the export is still running when the worker is told to stop.
    const t = await startTestApp(dialect, { people: 2_000, tasks: { workers: 0 } });
    // A queue of its own: jobs other tests left behind must not keep this worker busy.
    const ownQueue = uniqueQueueName();
    const dispatcher = new BullmqTaskDispatcher(testRedisUrl(), ownQueue);
    const config = {
      // A checkpoint after every chunk, and PostgreSQL's COPY chunks stay at their first size (ten
      // pages) instead of growing to the pace, so the stop lands mid-export.
      ...demoTaskConfig(t.orm.em, { directory: t.exportDirectory, tuning: { ...tuning, checkpointMs: 0 } }),
      storage: slowDirectory(t.exportDirectory, 40),
      pageSize: 50,
    };
    const service = new ExportTaskService({ ...config, dispatcher });
    const task = await service.create({ export: 'list_people', formatter: { alias: 'csv_list' } }, alice);
    const worker = new BullmqTaskWorker(new ExportTaskRunner({ ...config, dispatcher }), dispatcher, testRedisUrl(), {
      queueName: ownQueue,
      sweepMs: 60_000,
    }).start();
    const load = () => t.orm.em.fork().findOneOrFail(ExportTask, task.id);
    await until(async () => (await load()).processedCount >= 100, 'the task to be under way').catch(async (error) => {
      const seen = await load();
      throw new Error(`${error.message}: ${JSON.stringify({ status: seen.status, processed: seen.processedCount, error: seen.errorMessage })}`);
    });
    const started = Date.now();
    await worker.stop({ interrupt: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    const stopped = await load();
    expect(stopped, JSON.stringify({ status: stopped.status, error: stopped.errorMessage })).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(stopped.checkpoint?.rows).toBeGreaterThan(0);
    // Requeued as a job: another worker picks it up and finishes from the checkpoint.
    const next = new BullmqTaskWorker(
      new ExportTaskRunner({ ...config, storage: demoTaskConfig(t.orm.em, { directory: t.exportDirectory }).storage, dispatcher }),
      dispatcher,
      testRedisUrl(),
      { queueName: ownQueue },
    ).start();
    try {
      await until(async () => (await load()).status === 'succeeded', 'the requeued task to finish').catch(async (error) => {
        const seen = await load();
        throw new Error(`${error.message}: ${JSON.stringify({ status: seen.status, processed: seen.processedCount, error: seen.errorMessage })}`);
      });
      const [people] = await t.orm.em.fork().getConnection().execute('select count(*) as n from person where center_id in (1, 2)');
      const ended = await load();
      expect({ attempts: ended.attempts, processedCount: ended.processedCount, crashes: ended.crashes }).toEqual({
        attempts: 1,
        processedCount: Number(people?.n),
        crashes: 0,
      });
    } finally {
      await next.stop();
      await dispatcher.queue.obliterate({ force: true });
      await dispatcher.close();
      await t.close();
    }
  });
});

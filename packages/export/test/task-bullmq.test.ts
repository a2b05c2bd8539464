import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDialect, testRedisUrl, uniqueQueueName } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BullmqTaskDispatcher, BullmqTaskWorker } from '../src/bullmq.ts';
import { ExportTask, ExportTaskRunner, ExportTaskService } from '../src/index.ts';
import { slowDirectory } from './slow-storage.ts';
import { alice, countRequest, createTaskFixture, listRequest, openTaskOrm, type TaskFixture } from './task-fixture.ts';

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describeEachDialect('export tasks on BullMQ (real Redis)', (dialect) => {
  let f: TaskFixture;
  const dispatchers: BullmqTaskDispatcher[] = [];
  beforeAll(async () => {
    f = await createTaskFixture(dialect, { books: 3_000 });
  });
  afterAll(async () => {
    for (const dispatcher of dispatchers) {
      await dispatcher.queue.obliterate({ force: true });
      await dispatcher.close();
    }
    await f?.close();
  });

  /** A dispatcher on a queue of the test's own: jobs other tests left behind never keep its workers busy. */
  function ownQueue(): { queueName: string; dispatcher: BullmqTaskDispatcher } {
    const queueName = uniqueQueueName();
    const dispatcher = new BullmqTaskDispatcher(testRedisUrl(), queueName);
    dispatchers.push(dispatcher);
    return { queueName, dispatcher };
  }

  it('two workers on one queue run each of 40 tasks exactly once, and stale jobs change nothing', async () => {
    const { queueName, dispatcher } = ownQueue();
    const second = await openTaskOrm(f.database);
    const service = new ExportTaskService(f.config({ dispatcher }));
    const runs: number[][] = [[], []];
    const workers = [f.orm, second].map((orm, index) =>
      new BullmqTaskWorker(new ExportTaskRunner(f.config({ dispatcher }, orm.em)), dispatcher, testRedisUrl(), {
        queueName,
        concurrency: 2,
        onTaskEnd: (task) => runs[index]?.push(task.id),
      }).start(),
    );
    try {
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) ids.push((await service.create(countRequest, alice)).id);
      const ran = () => (runs[0]?.length ?? 0) + (runs[1]?.length ?? 0);
      await until(() => ran() === ids.length, 'every task');
      expect([...(runs[0] ?? []), ...(runs[1] ?? [])].sort((a, b) => a - b)).toEqual(ids);
      expect(runs[0]?.length).toBeGreaterThan(0);
      expect(runs[1]?.length).toBeGreaterThan(0);

      // A duplicated or late job for a finished task is a no-op: the row says it is done.
      for (const id of ids.slice(0, 5)) await dispatcher.dispatch(id);
      await until(async () => (await dispatcher.queue.getJobCounts('wait', 'active', 'delayed')).wait === 0, 'stale jobs drained');
      await until(async () => (await dispatcher.queue.getJobCounts('active')).active === 0, 'stale jobs done');
      expect(ran()).toBe(ids.length);
      const tasks = await f.orm.em.fork().find(ExportTask, { id: { $in: ids } });
      expect(tasks.map((task) => [task.status, task.attempts])).toEqual(ids.map(() => ['succeeded', 1]));
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await second.close(true);
    }
  });

  it('finds queued tasks whose job never reached Redis', async () => {
    const { queueName, dispatcher } = ownQueue();
    // Created without a dispatcher, as if Redis had been down at the time.
    const task = await f.service.create(countRequest, alice);
    expect(await dispatcher.queue.getJobCounts('wait', 'delayed')).toEqual({ wait: 0, delayed: 0 });
    const worker = new BullmqTaskWorker(new ExportTaskRunner(f.config({ dispatcher })), dispatcher, testRedisUrl(), { queueName, sweepMs: 100 }).start();
    try {
      await until(async () => (await f.load(task.id)).status === 'succeeded', 'the swept task');
    } finally {
      await worker.stop();
    }
    expect(await f.load(task.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('stops at the next batch on SIGTERM (stop with interrupt) and requeues the task with its checkpoint, as the polling worker does', async () => {
    const { queueName, dispatcher } = ownQueue();
    // Writes slowed so that the stop lands mid-export, a checkpoint after every page.
    const slow = f.config({ dispatcher, storage: slowDirectory(f.directory, 20), pageSize: 50 });
    const task = await new ExportTaskService(slow).create(listRequest, alice);
    const worker = new BullmqTaskWorker(new ExportTaskRunner(slow), dispatcher, testRedisUrl(), { queueName, sweepMs: 60_000 }).start();
    const state = async () => {
      const seen = await f.load(task.id);
      return JSON.stringify({ status: seen.status, processed: seen.processedCount, error: seen.errorMessage });
    };
    await until(async () => (await f.load(task.id)).processedCount >= 100, 'the task to be under way').catch(async (error) => {
      throw new Error(`${error.message}: ${await state()}`);
    });
    await worker.stop({ interrupt: true });
    const stopped = await f.load(task.id);
    expect(stopped, await state()).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(stopped.checkpoint?.rows).toBeGreaterThan(0);
    // Requeued as a job: another worker picks it up and finishes from the checkpoint.
    const resumedFrom: number[] = [];
    const next = new BullmqTaskWorker(new ExportTaskRunner(f.config({ dispatcher })), dispatcher, testRedisUrl(), {
      queueName,
      onProgress: (progress) => resumedFrom.push(progress.resumedFrom),
    }).start();
    try {
      await until(async () => (await f.load(task.id)).status === 'succeeded', 'the requeued task to finish').catch(async (error) => {
        throw new Error(`${error.message}: ${await state()}`);
      });
    } finally {
      await next.stop();
    }
    expect(await f.load(task.id)).toMatchObject({ attempts: 1, crashes: 0, processedCount: f.visibleBooks });
    expect(resumedFrom[0]).toBe(stopped.checkpoint?.rows);
  });
});

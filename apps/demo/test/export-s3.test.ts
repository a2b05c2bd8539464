import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ExportTask, ExportTaskRunner, type ExportTaskService, PollingTaskWorker } from '@sluice/export';
import { S3TaskStorage } from '@sluice/export/s3';
import { describeEachDialect, startTestS3, type TestS3 } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { perChunk, slowed } from '../../../packages/export/test/slow-storage.ts';
import { demoTaskConfig } from '../src/exports/export-tasks.ts';
import { exportUser } from '../src/exports/export-user.ts';
import { startTestApp, type TestApp } from './test-app.ts';

describeEachDialect('export task files on S3 (s3rver)', (dialect) => {
  let t: TestApp;
  let s3: TestS3;
  let client: S3Client;
  let alice: string;
  beforeAll(async () => {
    s3 = await startTestS3();
    client = new S3Client(s3.clientConfig);
    // Slowed writes and small parts: a task runs long enough to be cancelled mid-upload.
    const storage = slowed(new S3TaskStorage({ client, bucket: s3.bucket, prefix: 'exports/', partSize: 16 * 1024 }), perChunk(60));
    t = await startTestApp(dialect, { people: 20_000, tasks: { storage, tuning: { pageSize: 200, checkpointMs: 0, heartbeatMs: 50 } } });
    alice = await t.login('alice');
  });
  afterAll(async () => {
    await t?.close();
    client?.destroy();
    await s3?.close();
  });

  const objects = async () => ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((object) => object.Key);
  const service = (): ExportTaskService => t.tasks.service;
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (const deadline = Date.now() + 30_000; !(await check()); ) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}: ${JSON.stringify(await t.orm.em.fork().find(ExportTask, {}, { fields: ['status', 'errorMessage', 'processedCount', 'checkpoint'] }))}`,
        );
      await new Promise((wake) => setTimeout(wake, 25));
    }
  };

  it('serves a finished task from the store, byte for byte what a direct download gives, and cleanup removes it', async () => {
    const request = { export: 'list_people', formatter: { alias: 'csv_list' } };
    const { id } = (await t.request(alice, 'POST', '/api/export-tasks', request)).json();
    await until(async () => (await t.orm.em.fork().findOneOrFail(ExportTask, id)).status === 'succeeded', 'the task');
    const file = await t.request(alice, 'GET', `/api/export-tasks/${id}/download`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals((await t.request(alice, 'POST', '/api/exports/download', request)).rawPayload)).toBe(true);
    expect(await objects()).toEqual([expect.stringMatching(new RegExp(`^exports/${id}-[0-9a-f]{32}\\.csv$`))]);
    expect(await service().cleanup(new Date(Date.now() + 30 * 24 * 3600_000))).toBe(1);
    expect(await objects()).toEqual([]);
    expect((await t.request(alice, 'GET', `/api/export-tasks/${id}/download`)).json().error.code).toBe('EXPORT_TASK_FILE_EXPIRED');
  });

  it('a shutdown with less than a part pending keeps a checkpoint, and the resumed file is exact', async () => {
    // Parts of 5 MiB: the whole file stays under one, so only the shutdown's tail can make it durable.
    // Such a shutdown used to requeue the task with no checkpoint, and every row was written again.
    const storage = new S3TaskStorage({ client, bucket: s3.bucket, prefix: 'exports/', partSize: 5 * 1024 * 1024 });
    const tuning = { pageSize: 200, checkpointMs: 0, heartbeatMs: 50, leaseMs: 2_000 };
    const config = demoTaskConfig(t.orm.em, { directory: t.exportDirectory, storage: slowed(storage, perChunk(60)), tuning });
    const request = { export: 'list_people', formatter: { alias: 'csv_list' } };
    await t.tasks.worker?.stop();
    const task = await service().create(request, exportUser({ id: 2, username: 'alice', roles: ['EXPORT'], centerIds: [1, 2] }));
    const worker = new PollingTaskWorker(new ExportTaskRunner(config), { pollMs: 10 }).start();
    try {
      await until(async () => (await t.orm.em.fork().findOneOrFail(ExportTask, task.id)).processedCount >= 400, 'some rows');
      await worker.stop({ interrupt: true });
      const stopped = await t.orm.em.fork().findOneOrFail(ExportTask, task.id);
      // Finishing before the shutdown would make this test pointless, not pass it.
      if (stopped.status === 'succeeded') throw new Error('the task finished before its shutdown: slow its writes further');
      expect(stopped.status).toBe('queued');
      expect(stopped.checkpoint?.rows).toBeGreaterThan(0);
      const runner = new ExportTaskRunner(demoTaskConfig(t.orm.em, { directory: t.exportDirectory, storage, tuning }));
      const resumed: number[] = [];
      const ended = await runner.run(await runner.claim(task.id), { onProgress: (progress) => resumed.push(progress.resumedFrom) });
      expect(ended.status).toBe('succeeded');
      expect(resumed[0]).toBe(stopped.checkpoint?.rows);
      const file = await t.request(alice, 'GET', `/api/export-tasks/${task.id}/download`);
      expect(file.rawPayload.equals((await t.request(alice, 'POST', '/api/exports/download', request)).rawPayload)).toBe(true);
      expect((await objects()).filter((key) => key?.includes('.tail.') || key?.endsWith('.upload'))).toEqual([]);
    } finally {
      await worker.stop();
      await service().cleanup(new Date(Date.now() + 30 * 24 * 3600_000));
      t.tasks.worker?.start();
    }
  });

  it('cancelling a running task removes its unfinished upload', async () => {
    const { id } = (await t.request(alice, 'POST', '/api/export-tasks', { export: 'list_people', formatter: { alias: 'csv_list' } })).json();
    await until(async () => ((await t.orm.em.fork().findOneOrFail(ExportTask, id)).checkpoint?.rows ?? 0) > 0, 'a durable checkpoint');
    expect(await objects()).toContainEqual(expect.stringMatching(/\.csv\.upload$/));
    expect((await t.request(alice, 'POST', `/api/export-tasks/${id}/cancel`)).statusCode).toBe(200);
    await until(async () => {
      const { status } = await t.orm.em.fork().findOneOrFail(ExportTask, id);
      // Finishing before its worker noticed the cancel would make this test pointless, not pass it.
      if (status === 'succeeded') throw new Error('the task finished before its cancel was noticed: slow its writes further');
      return status === 'cancelled';
    }, 'the cancel');
    await until(async () => (await objects()).length === 0, 'the upload to be removed');
  });
});

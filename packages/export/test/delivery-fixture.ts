import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DialectName } from '@sluice/db';
import {
  DeliveryWorker,
  type DeliveryWorkerConfig,
  ExportDelivery,
  type ExportTask,
  type ExportTaskConfig,
  ExportTaskRunner,
  ExportTaskService,
  type ExportUser,
} from '../src/index.ts';
import { alice, countRequest, createTaskFixture, type TaskFixture, taskRegistry } from './task-fixture.ts';

/** Alice with an address on record, the default of her e-mail deliveries. */
export const aliceWithEmail: ExportUser = { ...alice, email: 'alice@example.com' };

/** Where the delivery tests' tasks are downloaded from. */
export const downloadUrl = (taskId: number) => `https://sluice.example/api/export-tasks/${taskId}/download`;

/** A task fixture whose service accepts the deliveries of `policy`, plus helpers to run tasks and deliveries. */
export interface DeliveryFixture extends TaskFixture {
  /** A service with `deliveries` set as given. */
  serviceWith(deliveries: ExportTaskConfig['deliveries']): ExportTaskService;
  /** Creates a task with `deliveries` (as alice, under `policy`) and runs it to success. */
  succeeded(deliveries: unknown[], policy: ExportTaskConfig['deliveries'], request?: object): Promise<ExportTask>;
  /** A delivery worker on the fixture's tables with quick retries, and `overrides`. */
  worker(overrides?: Partial<DeliveryWorkerConfig>): DeliveryWorker;
  deliveriesOf(taskId: number): Promise<ExportDelivery[]>;
  /** The task's file as alice downloads it. */
  fileOf(taskId: number): Promise<Buffer>;
}

export async function createDeliveryFixture(dialect: DialectName): Promise<DeliveryFixture> {
  const f = await createTaskFixture(dialect, { books: 300 });
  const serviceWith = (deliveries: ExportTaskConfig['deliveries']) => new ExportTaskService(f.config({ deliveries }));
  const runner = new ExportTaskRunner(f.config());
  return {
    ...f,
    serviceWith,
    succeeded: async (deliveries, policy, request = countRequest) => {
      const task = await serviceWith(policy).create(request, aliceWithEmail, { deliveries });
      return runner.run(await runner.claim(task.id));
    },
    worker: (overrides = {}) =>
      new DeliveryWorker({ em: f.orm.em, storage: f.config().storage, registry: taskRegistry(), downloadUrl, retryDelayMs: 1_000, pollMs: 10, ...overrides }),
    deliveriesOf: (taskId) => f.orm.em.fork().find(ExportDelivery, { task: taskId }, { orderBy: { id: 'asc' } }),
    fileOf: async (taskId) => buffer((await f.service.file(taskId, alice)).stream),
  };
}

/** Waits until `condition` holds (20 s at most). */
export async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A time after every back-off the tests use: the next attempt is due. */
export const later = (hours = 2) => new Date(Date.now() + hours * 3600_000);

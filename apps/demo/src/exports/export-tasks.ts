import type { EntityManager } from '@mikro-orm/sql';
import {
  type DeliveryWorker,
  type DeliveryWorkerConfig,
  DirectoryTaskStorage,
  type ExportTaskConfig,
  ExportTaskRunner,
  ExportTaskService,
  PollingTaskWorker,
  SavedExportService,
  ScheduleRunner,
  type ScheduleRunnerConfig,
  type TaskDispatcher,
  type TaskStorage,
  type TaskWorkerOptions,
} from '@sluice/export';
import { loadCurrentUser } from '../auth/sessions.ts';
import type { DeliverySettings } from '../config.ts';
import { demoDeliveryPolicy, startDemoDeliveries } from './demo-deliveries.ts';
import { demoExportRegistry } from './demo-exports.ts';
import { exportUser } from './export-user.ts';

/** Where the demo's export tasks keep files and how they are dispatched. */
export interface DemoTaskOptions {
  directory: string;
  /** With a URL, tasks go to BullMQ for `sluice export:worker` processes. */
  redisUrl?: string;
  /** The BullMQ queue (default `sluice-export-tasks`). */
  queueName?: string;
  /** Tasks the in-process worker runs at once; 0 runs none here. */
  workers: number;
  /** Where task files go (default: the local `directory`; see `openTaskStorage`). */
  storage?: TaskStorage;
  /** Tuning (lease, retries, rate limit...) for tests and benchmarks. */
  tuning?: Partial<ExportTaskConfig>;
  worker?: TaskWorkerOptions;
  /** E-mail and webhook deliveries of finished tasks; a delivery worker runs here when any is configured. */
  delivery?: DeliverySettings;
  /** Delivery worker tuning for tests. */
  deliveryTuning?: Partial<DeliveryWorkerConfig>;
  /** Runs saved exports on their schedules here (the server's default; `SCHEDULES=off` turns it off). */
  schedules?: boolean;
  /** Schedule runner tuning (clock, poll interval) for tests. */
  scheduleTuning?: Partial<ScheduleRunnerConfig>;
}

/** The demo's export-task configuration: its registry, its users, files under `directory`. */
export function demoTaskConfig(em: EntityManager, options: Pick<DemoTaskOptions, 'directory' | 'storage' | 'tuning' | 'delivery'>): ExportTaskConfig {
  return {
    em,
    registry: demoExportRegistry(),
    storage: options.storage ?? new DirectoryTaskStorage(options.directory),
    loadUser: async (fork, id) => {
      const user = await loadCurrentUser(fork, id);
      return user ? exportUser(user) : null;
    },
    deliveries: demoDeliveryPolicy(options.delivery),
    ...options.tuning,
  };
}

/** Export tasks of a running demo: the service routes use, and what dispatches and runs tasks. */
export interface DemoExportTasks {
  service: ExportTaskService;
  runner: ExportTaskRunner;
  worker: PollingTaskWorker | null;
  /** Sends e-mails and webhooks of succeeded tasks, when configured. */
  deliveries: DeliveryWorker | null;
  /** Saved exports over `service` (routes and the schedule runner share it). */
  savedExports: SavedExportService;
  /** Starts saved exports on their schedules, when `schedules` is on. */
  schedules: ScheduleRunner | null;
  /** Stops the worker (running tasks are requeued at their next batch) and the queue connection. */
  close(): Promise<void>;
}

/**
 * Wires tasks for the server: an in-process worker by default (what `npm start` runs); a BullMQ
 * dispatcher when Redis is configured, plus the in-process worker only if `workers` > 0.
 */
export async function startDemoExportTasks(em: EntityManager, options: DemoTaskOptions): Promise<DemoExportTasks> {
  // Loaded only with Redis: an app on the embedded worker never carries BullMQ.
  const queue = options.redisUrl ? new (await import('@sluice/export/bullmq')).BullmqTaskDispatcher(options.redisUrl, options.queueName) : null;
  let worker: PollingTaskWorker | null = null;
  const config = demoTaskConfig(em, options);
  const dispatcher: TaskDispatcher = queue ?? { dispatch: (id, delay) => worker?.dispatch(id, delay) };
  const runner = new ExportTaskRunner({ ...config, dispatcher });
  const deliveries = startDemoDeliveries(config, options.delivery, options.deliveryTuning);
  if (options.workers > 0) {
    // A task that succeeds here is delivered at once, not at the delivery worker's next poll.
    const onTaskEnd: TaskWorkerOptions['onTaskEnd'] = (task) => {
      if (task.status === 'succeeded') deliveries?.wake();
      return options.worker?.onTaskEnd?.(task);
    };
    worker = new PollingTaskWorker(runner, { concurrency: options.workers, ...options.worker, onTaskEnd }).start();
  }
  const service = new ExportTaskService({ ...config, dispatcher });
  const savedExports = new SavedExportService(service);
  const schedules = options.schedules ? new ScheduleRunner({ savedExports, ...options.scheduleTuning }).start() : null;
  return {
    service,
    runner,
    worker,
    deliveries,
    savedExports,
    schedules,
    close: async () => {
      await schedules?.stop();
      await worker?.stop({ interrupt: true });
      await deliveries?.stop();
      await queue?.close();
    },
  };
}

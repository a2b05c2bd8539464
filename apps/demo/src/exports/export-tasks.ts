import type { EntityManager } from '@mikro-orm/sql';
import {
  DirectoryTaskStorage,
  type ExportTaskConfig,
  ExportTaskRunner,
  ExportTaskService,
  PollingTaskWorker,
  type TaskDispatcher,
  type TaskStorage,
  type TaskWorkerOptions,
} from '@sluice/export';
import { loadCurrentUser } from '../auth/sessions.ts';
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
}

/** The demo's export-task configuration: its registry, its users, files under `directory`. */
export function demoTaskConfig(em: EntityManager, options: Pick<DemoTaskOptions, 'directory' | 'storage' | 'tuning'>): ExportTaskConfig {
  return {
    em,
    registry: demoExportRegistry(),
    storage: options.storage ?? new DirectoryTaskStorage(options.directory),
    loadUser: async (fork, id) => {
      const user = await loadCurrentUser(fork, id);
      return user ? exportUser(user) : null;
    },
    ...options.tuning,
  };
}

/** Export tasks of a running demo: the service routes use, and what dispatches and runs tasks. */
export interface DemoExportTasks {
  service: ExportTaskService;
  runner: ExportTaskRunner;
  worker: PollingTaskWorker | null;
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
  if (options.workers > 0) worker = new PollingTaskWorker(runner, { concurrency: options.workers, ...options.worker }).start();
  const service = new ExportTaskService({ ...config, dispatcher });
  return {
    service,
    runner,
    worker,
    close: async () => {
      await worker?.stop({ interrupt: true });
      await queue?.close();
    },
  };
}

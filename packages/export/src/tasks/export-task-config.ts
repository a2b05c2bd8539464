import type { EntityManager } from '@mikro-orm/sql';
import type { DeliveryPolicy } from '../delivery/delivery-policy.ts';
import type { ExportUser } from '../elements/export-context.ts';
import type { ExportRegistry } from '../pipeline/export-registry.ts';
import type { TaskStorage } from '../storage/task-storage.ts';

/** Told when a task becomes runnable, so a worker can start it (in-process wake-up, BullMQ job...). */
export interface TaskDispatcher {
  dispatch(taskId: number, delayMs?: number): Promise<void> | void;
}

/** What export tasks need from the application, and their tuning. */
export interface ExportTaskConfig {
  /** A root EntityManager; every operation forks it. */
  em: EntityManager;
  registry: ExportRegistry;
  storage: TaskStorage;
  /**
   * The task owner as they are now (roles and centers may have changed since they asked); `null`
   * when they no longer exist. Every run re-checks the request against it.
   */
  loadUser(em: EntityManager, userId: number): Promise<ExportUser | null>;
  dispatcher?: TaskDispatcher;
  /** Runs that end in an error before a task fails for good (default 5). A crash is not one. */
  maxAttempts?: number;
  /**
   * Crashes in a row (the worker stopped heart-beating) without a new checkpoint before a task fails
   * as a poison task with `EXPORT_TASK_CRASH_LOOP` (default 10).
   */
  maxCrashes?: number;
  /** A running task whose heartbeat stops for this long is requeued by the reaper (default 30 s). */
  leaseMs?: number;
  /** Heartbeat, progress and cancel check interval (default 1 s). */
  heartbeatMs?: number;
  /** At most one durable list checkpoint (fsync + row update) per this interval (default 1 s). */
  checkpointMs?: number;
  /** First retry delay; doubles per attempt up to `maxRetryDelayMs` (default 5 s and 5 min). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** How long a finished file stays downloadable (default 7 days). */
  retentionMs?: number;
  /** Rows per query of list exports (default 5,000). */
  pageSize?: number;
  /** Task creations per user per window, and live (queued or running) tasks per user. */
  rateLimit?: { maxPerWindow: number; windowMs: number; maxLive: number };
  /** Which deliveries (e-mail, webhook origins) tasks may ask for; none by default. */
  deliveries?: DeliveryPolicy;
}

/** {@link ExportTaskConfig} with every default filled in. */
export type ResolvedTaskConfig = Required<Omit<ExportTaskConfig, 'dispatcher'>> & Pick<ExportTaskConfig, 'dispatcher'>;

/** Fills in the defaults of {@link ExportTaskConfig}. */
export function resolveTaskConfig(config: ExportTaskConfig): ResolvedTaskConfig {
  return {
    maxAttempts: 5,
    maxCrashes: 10,
    leaseMs: 30_000,
    heartbeatMs: 1_000,
    checkpointMs: 1_000,
    retryDelayMs: 5_000,
    maxRetryDelayMs: 300_000,
    retentionMs: 7 * 24 * 3600_000,
    pageSize: 5_000,
    rateLimit: { maxPerWindow: 10, windowMs: 60_000, maxLive: 20 },
    deliveries: {},
    // A setting left undefined (e.g. read from an unset environment variable) keeps its default.
    ...(Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as ExportTaskConfig),
  };
}

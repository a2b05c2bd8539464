import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { ExportTaskConfig } from '@sluice/export';

/** What an application tells the `sluice` CLI, in `sluice.config.ts` at its root. */
export interface SluiceConfig {
  /**
   * Opens the application's ORM; the CLI closes it when done. `readOnly` (e.g. `export:list`): open an
   * existing database as it is, never create or migrate one.
   */
  openOrm(options?: { readOnly?: boolean }): Promise<MikroORM<AbstractSqlDriver, EntityManager>>;
  /** Export tasks over that ORM (registry, storage, users); needed by the `export:*` commands. */
  exportTasks?(orm: MikroORM<AbstractSqlDriver, EntityManager>): ExportTaskConfig | Promise<ExportTaskConfig>;
  /** When set, `export:worker` takes jobs from BullMQ on this Redis instead of polling the database. */
  redisUrl?: string;
  /** The BullMQ queue (default `sluice-export-tasks`); the app's dispatcher must use the same. */
  queueName?: string;
  /** How often a BullMQ worker reaps dead workers' tasks and re-sends jobs for due tasks (default 15 s). */
  sweepMs?: number;
}

/** Declares the CLI configuration with its type checked. */
export function defineSluiceConfig(config: SluiceConfig): SluiceConfig {
  return config;
}

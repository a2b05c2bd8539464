/** Configuration of the `sluice` CLI for the demo app: `npx sluice <command>` at the repository root. */
import { defineSluiceConfig } from '@sluice/cli';
import { loadConfig } from './apps/demo/src/config.ts';
import { openDatabase } from './apps/demo/src/db/open-orm.ts';
import { openTaskStorage } from './apps/demo/src/exports/demo-task-storage.ts';
import { demoTaskConfig } from './apps/demo/src/exports/export-tasks.ts';

const config = loadConfig();

export default defineSluiceConfig({
  openOrm: async (options) => (await openDatabase(config.databaseUrl, {}, options)).orm,
  exportTasks: async (orm) =>
    demoTaskConfig(orm.em, {
      directory: config.exportDirectory,
      storage: await openTaskStorage(config),
      tuning: { leaseMs: config.exportTuning.leaseMs, checkpointMs: config.exportTuning.checkpointMs },
    }),
  redisUrl: config.redisUrl,
  queueName: config.exportQueue,
  sweepMs: config.exportTuning.sweepMs,
});

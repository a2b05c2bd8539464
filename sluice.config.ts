/** Configuration of the `sluice` CLI for the demo app: `npx sluice <command>` at the repository root. */
import { defineSluiceConfig } from '@sluice/cli';
import { loadConfig } from './apps/demo/src/config.ts';
import { openDatabase } from './apps/demo/src/db/open-orm.ts';
import { demoTaskConfig } from './apps/demo/src/exports/export-tasks.ts';

const config = loadConfig();

export default defineSluiceConfig({
  openOrm: async (options) => (await openDatabase(config.databaseUrl, {}, options)).orm,
  exportTasks: (orm) => demoTaskConfig(orm.em, { directory: config.exportDirectory }),
  redisUrl: config.redisUrl,
});

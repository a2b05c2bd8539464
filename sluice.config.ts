/** Configuration of the `sluice` CLI for the demo app: `npx sluice <command>` at the repository root. */
import { defineSluiceConfig } from '@sluice/cli';
import { loadConfig } from './apps/demo/src/config.ts';
import { openDatabase } from './apps/demo/src/db/open-orm.ts';

export default defineSluiceConfig({
  openOrm: async () => (await openDatabase(loadConfig().databaseUrl)).orm,
});

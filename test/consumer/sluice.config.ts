/** The consumer app's `sluice` CLI config: the database app.ts wrote, its export tasks. */
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { auditEntities } from '@sluice/audit';
import { defineSluiceConfig } from '@sluice/cli';
import { DirectoryTaskStorage, ExportRegistry, ExportTask, ExportTaskOwner } from '@sluice/export';

const directory = join(import.meta.dirname, 'data');

export default defineSluiceConfig({
  openOrm: () =>
    MikroORM.init({
      driver: SqliteDriver,
      dbName: join(directory, 'app.sqlite'),
      entities: [ExportTask, ExportTaskOwner, ...auditEntities],
      discovery: { warnWhenNoEntities: false },
    }),
  exportTasks: (orm) => ({
    em: orm.em,
    registry: new ExportRegistry(),
    storage: new DirectoryTaskStorage(join(directory, 'exports')),
    loadUser: async () => null,
  }),
});

/**
 * Generates the next migration for every dialect from the difference between the entities and the
 * schema the existing migrations build. Run after changing an entity: `npm run migration:create`.
 * Needs the PostgreSQL and MariaDB servers of the test matrix.
 */

import { resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { Migrator } from '@mikro-orm/migrations';
import { dialectNames } from '@sluice/db';
import { createTestDatabase } from '@sluice/test-utils';
import { ormOptions } from '../src/db/orm-config.ts';

const name = process.argv[2];
for (const dialect of dialectNames) {
  const database = await createTestDatabase(dialect);
  const orm = await MikroORM.init(await ormOptions(database.url));
  try {
    const migrator = orm.migrator as Migrator;
    await migrator.up();
    const path = resolve(import.meta.dirname, '../src/db/migrations', dialect);
    const result = await migrator.create(path, false, false, name);
    console.log(dialect, result.fileName || 'no changes');
  } finally {
    await orm.close(true);
    await database.drop();
  }
}

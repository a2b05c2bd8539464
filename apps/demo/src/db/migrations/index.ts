import type { MigrationObject } from '@mikro-orm/core';
import type { DatabaseDialect } from '../orm-config.ts';
import { Migration20261121044450_init as MariadbInit } from './mariadb/Migration20261121044450_init.ts';
import { Migration20261121044450_init as PostgresqlInit } from './postgresql/Migration20261121044450_init.ts';
import { Migration20261121044450_init as SqliteInit } from './sqlite/Migration20261121044450_init.ts';

const byDialect: Record<DatabaseDialect, MigrationObject[]> = {
  sqlite: [{ name: 'Migration20261121044450_init', class: SqliteInit }],
  postgresql: [{ name: 'Migration20261121044450_init', class: PostgresqlInit }],
  mariadb: [{ name: 'Migration20261121044450_init', class: MariadbInit }],
};

/**
 * The migrations of one dialect, in order. Each dialect has its own folder because MikroORM
 * generates dialect-specific DDL; `npm run migration:create -w @sluice/demo -- <name>` writes the
 * next one for all three, after which it is registered here.
 */
export function migrationsFor(dialect: DatabaseDialect): MigrationObject[] {
  return byDialect[dialect];
}

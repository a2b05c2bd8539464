import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { AuditSubscriber } from '@sluice/audit';
import { ConfigError } from '@sluice/core';
import type { Dialect } from '@sluice/db';
import { SyncSubscriber } from '@sluice/sync';
import { databaseDialect, ormOptions } from './orm-config.ts';
import { migrateExclusively } from './startup-lock.ts';

/** An initialised ORM with the dialect it talks to. */
export interface Database {
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  dialect: Dialect;
}

/**
 * Opens the database at `databaseUrl` and applies pending migrations; `readOnly` opens an existing
 * database as it is (a missing SQLite file is an error, not a new database).
 */
export async function openDatabase(
  databaseUrl: string,
  overrides: Partial<Options<AbstractSqlDriver>> = {},
  options: { readOnly?: boolean } = {},
): Promise<Database> {
  const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : null;
  if (options.readOnly && file && file !== ':memory:' && !existsSync(file)) throw ConfigError.invalid('DATABASE_URL', `no SQLite database at ${resolve(file)}`);
  // Read-only never creates a database: MikroORM's default `ensureDatabase` made `export:list` create a
  // missing PostgreSQL or MariaDB database and then fail on its missing tables.
  const readOnlyOverrides = options.readOnly ? { ensureDatabase: false } : {};
  const orm = (await MikroORM.init(await ormOptions(databaseUrl, { ...readOnlyOverrides, ...overrides }))) as MikroORM<AbstractSqlDriver, EntityManager>;
  // A history or sync configuration that does not match the entities fails here, not on the first flush.
  for (const subscriber of orm.config.get('subscribers')) {
    if (subscriber instanceof AuditSubscriber || subscriber instanceof SyncSubscriber) subscriber.assertConfiguration(orm.getMetadata());
  }
  const dialect = databaseDialect(databaseUrl);
  if (!options.readOnly) await migrateExclusively(orm, dialect);
  return { orm, dialect };
}

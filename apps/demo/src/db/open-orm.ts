import { MikroORM, type Options } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { AuditSubscriber } from '@sluice/audit';
import { SyncSubscriber } from '@sluice/sync';
import { type DatabaseDialect, dialectOf, ormOptions } from './orm-config.ts';

/** An initialised ORM with the dialect it talks to. */
export interface Database {
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  dialect: DatabaseDialect;
}

/** Opens the database at `databaseUrl` and applies pending migrations. */
export async function openDatabase(databaseUrl: string, overrides: Partial<Options<AbstractSqlDriver>> = {}): Promise<Database> {
  const orm = (await MikroORM.init(await ormOptions(databaseUrl, overrides))) as MikroORM<AbstractSqlDriver, EntityManager>;
  // A history or sync configuration that does not match the entities fails here, not on the first flush.
  for (const subscriber of orm.config.get('subscribers')) {
    if (subscriber instanceof AuditSubscriber || subscriber instanceof SyncSubscriber) subscriber.assertConfiguration(orm.getMetadata());
  }
  await orm.migrator.up();
  return { orm, dialect: dialectOf(databaseUrl) };
}

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { AuditSubscriber } from '@sluice/audit';
import { ConfigError } from '@sluice/core';
import { SyncSubscriber } from '@sluice/sync';
import { demoAudit } from '../audit/tracked-entities.ts';
import { demoSyncMappings } from '../sync/demo-sync.ts';
import { entities } from './entities/index.ts';
import { migrationsFor } from './migrations/index.ts';

/** The databases the demo runs on. */
export type DatabaseDialect = 'sqlite' | 'postgresql' | 'mariadb';

/** Which database a `DATABASE_URL` points at. */
export function dialectOf(databaseUrl: string): DatabaseDialect {
  if (databaseUrl.startsWith('sqlite:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  if (/^(mysql|mariadb):\/\//.test(databaseUrl)) return 'mariadb';
  throw ConfigError.invalid('DATABASE_URL', 'expected sqlite:<path>, postgres://... or mysql://...');
}

/**
 * MikroORM options for `databaseUrl`; the schema comes from the dialect's migrations. Only that
 * dialect's driver is loaded: the other two would cost an export worker ~8 MB for nothing.
 */
export async function ormOptions(databaseUrl: string, overrides: Partial<Options<AbstractSqlDriver>> = {}): Promise<Partial<Options<AbstractSqlDriver>>> {
  const dialect = dialectOf(databaseUrl);
  const common: Partial<Options<AbstractSqlDriver>> = {
    entities,
    subscribers: [new AuditSubscriber(demoAudit), new SyncSubscriber(demoSyncMappings)],
    extensions: [Migrator],
    migrations: { migrationsList: migrationsFor(dialect), snapshot: false, silent: true },
    forceUtcTimezone: true,
    debug: false,
    allowGlobalContext: false,
  };
  if (dialect === 'sqlite') {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    return { ...common, driver: (await import('@mikro-orm/sqlite')).SqliteDriver, dbName: file, ...overrides };
  }
  const url = databaseUrl.replace(/^mariadb:/, 'mysql:');
  const driver = dialect === 'postgresql' ? (await import('@mikro-orm/postgresql')).PostgreSqlDriver : (await import('@mikro-orm/mariadb')).MariaDbDriver;
  return { ...common, driver, clientUrl: url, ...overrides } as Partial<Options<AbstractSqlDriver>>;
}

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { AuditSubscriber } from '@sluice/audit';
import { ConfigError } from '@sluice/core';
import { type Dialect, type DialectName, dialectOfUrl } from '@sluice/db';
import { SyncSubscriber } from '@sluice/sync';
import { CompiledQuery, type DatabaseConnection } from 'kysely';
import { demoAudit } from '../audit/tracked-entities.ts';
import { demoSyncMappings } from '../sync/demo-sync.ts';
import { entities } from './entities/index.ts';
import { migrationsFor } from './migrations/index.ts';

/** Which database a `DATABASE_URL` points at. */
export function databaseDialect(databaseUrl: string): Dialect {
  const dialect = dialectOfUrl(databaseUrl);
  if (!dialect) throw ConfigError.invalid('DATABASE_URL', 'expected sqlite:<path>, postgres://... or mysql://...');
  return dialect;
}

type Connection = Partial<Options<AbstractSqlDriver>>;

/**
 * SQLite's own default page cache (2 MB). better-sqlite3 builds SQLite with 16 MB per connection, which
 * one scan of a big table fills and keeps: a WatermelonDB first sync of 100,000 people (a 70 MB file) left
 * the demo server at 1.25-1.31x its idle peak RSS with it, 1.09-1.18x without, and no slower (the
 * operating system caches the file anyway). See docs/benchmarks.md, "A new client's first sync".
 */
async function sqlitePageCache(connection: unknown): Promise<void> {
  await (connection as DatabaseConnection).executeQuery(CompiledQuery.raw('pragma cache_size = -2000'));
}

/** Only the dialect's own driver is loaded: the other two would cost an export worker ~8 MB for nothing. */
const connections: Record<DialectName, (url: string) => Promise<Connection>> = {
  async sqlite(url) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    return { driver: (await import('@mikro-orm/sqlite')).SqliteDriver, dbName: file, onCreateConnection: sqlitePageCache };
  },
  postgresql: async (url) => ({ driver: (await import('@mikro-orm/postgresql')).PostgreSqlDriver, clientUrl: url }) as Connection,
  mariadb: async (url) => ({ driver: (await import('@mikro-orm/mariadb')).MariaDbDriver, clientUrl: url.replace(/^mariadb:/, 'mysql:') }) as Connection,
};

/** MikroORM options for `databaseUrl`; the schema comes from the dialect's migrations. */
export async function ormOptions(databaseUrl: string, overrides: Partial<Options<AbstractSqlDriver>> = {}): Promise<Partial<Options<AbstractSqlDriver>>> {
  const dialect = databaseDialect(databaseUrl);
  const common: Partial<Options<AbstractSqlDriver>> = {
    entities,
    subscribers: [new AuditSubscriber(demoAudit), new SyncSubscriber(demoSyncMappings)],
    extensions: [Migrator],
    migrations: { migrationsList: migrationsFor(dialect.name), snapshot: false, silent: true },
    forceUtcTimezone: true,
    debug: false,
    allowGlobalContext: false,
  };
  return { ...common, ...(await connections[dialect.name](databaseUrl)), ...overrides };
}

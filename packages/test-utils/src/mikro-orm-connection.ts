import type { Options } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import type { DialectName } from '@sluice/db';
import type { TestDatabase } from './test-database.ts';

type Connection = Pick<Options<AbstractSqlDriver>, 'driver' | 'dbName' | 'clientUrl'>;

const connections: Record<DialectName, (url: string) => Connection> = {
  sqlite: (url) => ({ driver: SqliteDriver, dbName: url.slice('sqlite:'.length) }),
  postgresql: (url) => ({ driver: PostgreSqlDriver, clientUrl: url }),
  mariadb: (url) => ({ driver: MariaDbDriver, clientUrl: url }),
};

/** MikroORM connection options (driver and address) for a test database. */
export function mikroOrmConnection(database: TestDatabase): Connection {
  return connections[database.dialect](database.url);
}

import type { Options } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import type { TestDatabase } from './test-database.ts';

/** MikroORM connection options (driver and address) for a test database. */
export function mikroOrmConnection(database: TestDatabase): Pick<Options<AbstractSqlDriver>, 'driver' | 'dbName' | 'clientUrl'> {
  switch (database.dialect) {
    case 'sqlite':
      return { driver: SqliteDriver, dbName: database.url.slice('sqlite:'.length) };
    case 'postgresql':
      return { driver: PostgreSqlDriver, clientUrl: database.url };
    case 'mariadb':
      return { driver: MariaDbDriver, clientUrl: database.url };
  }
}

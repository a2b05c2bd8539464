import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { DatabaseDialect } from './orm-config.ts';

// Any constant the application's other advisory locks do not use.
const postgresLockKey = 7_416_021_001;
const mariadbLockName = 'sluice_migrations';
const mariadbLockSeconds = 300;

/**
 * Applies pending migrations once, however many instances open the database together (the servers
 * and workers of a new release): MikroORM's migrator takes no lock, and four instances opening one
 * empty database failed with "table mikro_orm_migrations already exists" on every dialect. On
 * PostgreSQL and MariaDB one connection holds a named lock while the migrator works on others, so the
 * rest wait and then find nothing pending. SQLite is one file on one machine: an instance that lost
 * the race retries once the winner's migration transaction has ended.
 */
export async function migrateExclusively(orm: MikroORM<AbstractSqlDriver, EntityManager>, dialect: DatabaseDialect): Promise<void> {
  if (dialect === 'sqlite') return retryWhileRacing(() => orm.migrator.up());
  await orm.em.fork().transactional(async (em) => {
    if (dialect === 'postgresql') {
      // Released when this transaction ends, whatever happens.
      await em.execute('select pg_advisory_xact_lock(?)', [postgresLockKey]);
      await orm.migrator.up();
      return;
    }
    const [{ locked } = { locked: null }] = await em.execute<{ locked: number | null }[]>('select get_lock(?, ?) as locked', [
      mariadbLockName,
      mariadbLockSeconds,
    ]);
    if (Number(locked) !== 1) throw new Error(`another instance held the migration lock for over ${mariadbLockSeconds} s`);
    try {
      await orm.migrator.up();
    } finally {
      await em.execute('select release_lock(?)', [mariadbLockName]);
    }
  });
}

async function retryWhileRacing(migrate: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate();
      return;
    } catch (error) {
      const racing = /already exists|SQLITE_BUSY|database is locked|UNIQUE constraint failed: mikro_orm_migrations/i.test(String(error));
      if (!racing || attempt === 10) throw error;
      await new Promise((wake) => setTimeout(wake, 50 * attempt));
    }
  }
}

import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { DatabaseDialect } from './orm-config.ts';

type Orm = MikroORM<AbstractSqlDriver, EntityManager>;

// Any constant the application's other advisory locks do not use.
const postgresLockKey = 7_416_021_001;
const mariadbLockName = 'sluice_startup';
const mariadbLockSeconds = 300;

/**
 * Runs `work` in one instance at a time, for the start-up steps every server and worker of a release
 * runs when it starts (migrations, seeding an empty database): one connection holds a named lock
 * (PostgreSQL advisory, MariaDB `GET_LOCK`) while `work` uses others, so the instances that start
 * together wait and then find the work done. SQLite is one file served by one process: no lock.
 */
export async function exclusively<T>(orm: Orm, dialect: DatabaseDialect, work: () => Promise<T>): Promise<T> {
  if (dialect === 'sqlite') return work();
  return orm.em.fork().transactional(async (em) => {
    if (dialect === 'postgresql') {
      // Released when this transaction ends, whatever happens.
      await em.execute('select pg_advisory_xact_lock(?)', [postgresLockKey]);
      return work();
    }
    const [{ locked } = { locked: null }] = await em.execute<{ locked: number | null }[]>('select get_lock(?, ?) as locked', [
      mariadbLockName,
      mariadbLockSeconds,
    ]);
    if (Number(locked) !== 1) throw new Error(`another instance held the start-up lock for over ${mariadbLockSeconds} s`);
    try {
      return await work();
    } finally {
      await em.execute('select release_lock(?)', [mariadbLockName]);
    }
  });
}

/**
 * Applies pending migrations once, however many instances open the database together: MikroORM's
 * migrator takes no lock, and four instances opening one empty database failed with "table
 * mikro_orm_migrations already exists" on every dialect. On SQLite (several processes on one file, as
 * tests and scripts do) an instance that lost the race retries once the winner's transaction ended.
 */
export async function migrateExclusively(orm: Orm, dialect: DatabaseDialect): Promise<void> {
  if (dialect !== 'sqlite') {
    await exclusively(orm, dialect, () => orm.migrator.up());
    return;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await orm.migrator.up();
      return;
    } catch (error) {
      const racing = /already exists|SQLITE_BUSY|database is locked|UNIQUE constraint failed: mikro_orm_migrations/i.test(String(error));
      if (!racing || attempt === 10) throw error;
      await new Promise((wake) => setTimeout(wake, 50 * attempt));
    }
  }
}

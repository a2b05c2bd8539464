import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { Dialect } from '@sluice/db';
import { sqlRunner } from '@sluice/db/mikro-orm';

type Orm = MikroORM<AbstractSqlDriver, EntityManager>;

const lockName = 'sluice_startup';

/**
 * Runs `work` in one instance at a time, for the start-up steps every server and worker of a release
 * runs when it starts (migrations, seeding an empty database): one connection holds a named lock
 * (PostgreSQL advisory, MariaDB `GET_LOCK`) while `work` uses others, so the instances that start
 * together wait and then find the work done. An embedded database (SQLite) is served by one process: no lock.
 */
export async function exclusively<T>(orm: Orm, dialect: Dialect, work: () => Promise<T>): Promise<T> {
  const lock = dialect.namedLock;
  if (!lock) return work();
  return orm.em.fork().transactional(async (em) => {
    const release = await lock(sqlRunner(em), lockName);
    try {
      return await work();
    } finally {
      await release();
    }
  });
}

/**
 * Applies pending migrations once, however many instances open the database together: MikroORM's
 * migrator takes no lock, and four instances opening one empty database failed with "table
 * mikro_orm_migrations already exists" on every dialect. On SQLite (several processes on one file, as
 * tests and scripts do) an instance that lost the race retries once the winner's transaction ended.
 */
export async function migrateExclusively(orm: Orm, dialect: Dialect): Promise<void> {
  if (dialect.namedLock) {
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

import { randomBytes } from 'node:crypto';
import { quote, type SqlRun, type SyncDialect } from './sync-sql.ts';

/**
 * Orders changes in commit order on one database; the seam between sync and a dialect (like the
 * pagination package's query adapter). See the package README for why each one never lets a pull
 * pass a transaction that commits later.
 */
export interface SyncClock {
  /**
   * The version of the change rows a writer inserts now, as SQL text: called in the writer's
   * transaction right before the insert, as late as the transaction allows.
   */
  stamp(run: SqlRun): Promise<string>;
  /**
   * Every change with a version below this is committed and readable; none will appear there later.
   * `counter` is the clock row's version, read just before (in the same request).
   */
  watermark(run: SqlRun, counter: number): Promise<number>;
}

const clockRow = 1;

/** PostgreSQL: the writer's transaction id; readable once below the oldest running transaction's (xmin). */
const postgresClock: SyncClock = {
  stamp: async () => 'pg_current_xact_id()::text::bigint',
  watermark: async (run) => Number((await run('select pg_snapshot_xmin(pg_current_snapshot())::text as w'))[0]?.w),
};

/**
 * MariaDB: a counter row incremented just before commit. Its row lock is held until the writer
 * commits, so the next writer gets a higher number only after this one is visible: numbers are
 * handed out in commit order.
 */
const mariadbClock: SyncClock = {
  stamp: async (run) => {
    await run('update sync_clock set version = last_insert_id(version + 1) where id = ?', [clockRow]);
    // Read back rather than inline: the insert that follows generates ids of its own.
    return String(Number((await run('select last_insert_id() as v'))[0]?.v));
  },
  watermark: async (_run, counter) => counter + 1,
};

/** SQLite: one writer at a time, so a counter taken inside the write transaction is commit order. */
const sqliteClock: SyncClock = {
  stamp: async (run) => {
    const [row] = await run('update sync_clock set version = version + 1 where id = ? returning version', [clockRow]);
    return String(Number(row?.version));
  },
  watermark: mariadbClock.watermark,
};

/** The clock of `dialect`. */
export function clockFor(dialect: SyncDialect): SyncClock {
  return dialect === 'postgresql' ? postgresClock : dialect === 'mysql' ? mariadbClock : sqliteClock;
}

/** Creates the clock row when missing (concurrent callers are fine); returns nothing. */
export async function ensureClockRow(run: SqlRun, dialect: SyncDialect): Promise<void> {
  const columns = `(${['id', 'version', 'horizon_version', 'database_id', 'secret'].map((name) => quote(dialect, name)).join(', ')})`;
  const values = [clockRow, 0, 0, randomBytes(16).toString('hex'), randomBytes(32).toString('hex')];
  if (dialect === 'mysql') await run(`insert ignore into sync_clock ${columns} values (?, ?, ?, ?, ?)`, values);
  else await run(`insert into sync_clock ${columns} values (?, ?, ?, ?, ?) on conflict do nothing`, values);
}

/** The clock row: this database's id, its checkpoint secret, the pruned horizon and the last version handed out. */
export async function readClockRow(run: SqlRun): Promise<{ databaseId: string; secret: string; horizon: number; counter: number }> {
  const [row] = await run('select database_id, secret, horizon_version, version from sync_clock where id = ?', [clockRow]);
  return { databaseId: String(row?.database_id), secret: String(row?.secret), horizon: Number(row?.horizon_version ?? 0), counter: Number(row?.version ?? 0) };
}

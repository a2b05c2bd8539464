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
   * SQL read with the clock row (`version` is its counter): every change with a version below it is
   * committed and readable, and none will appear there later.
   */
  watermark: string;
}

const clockRow = 1;

/**
 * PostgreSQL: the writer's transaction id. Readable once no transaction with a smaller id can still
 * write here: the smallest id among the transactions in progress that hold a lock in this database
 * (a transaction writes only its own database, and holds a lock on what it wrote until it ends), or
 * the snapshot's xmax when there is none. Unlike the cluster-wide xmin, a long transaction in another
 * database of the same server does not hold it back.
 */
const postgresClock: SyncClock = {
  stamp: async () => 'pg_current_xact_id()::text::bigint',
  watermark: `(select least(pg_snapshot_xmax(s.snap)::text::bigint, coalesce((
      select min(x::text::bigint) from pg_snapshot_xip(s.snap) as x
      where exists (
        select 1 from pg_locks l join pg_locks r on r.virtualtransaction = l.virtualtransaction
        where l.locktype = 'transactionid' and l.transactionid::text::bigint = x::text::bigint % 4294967296
          and r.locktype = 'relation' and r.database = (select oid from pg_database where datname = current_database()))
    ), 9223372036854775807)) from (select pg_current_snapshot() as snap) s)`,
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
  watermark: 'version + 1',
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

/** The clock row, one query: this database's id, its checkpoint secret, the pruned horizon and the watermark. */
export async function readClockRow(run: SqlRun, dialect: SyncDialect): Promise<{ databaseId: string; secret: string; horizon: number; watermark: number }> {
  const [row] = await run(`select database_id, secret, horizon_version, ${clockFor(dialect).watermark} as watermark from sync_clock where id = ?`, [clockRow]);
  return {
    databaseId: String(row?.database_id),
    secret: String(row?.secret),
    horizon: Number(row?.horizon_version ?? 0),
    watermark: Number(row?.watermark ?? 1),
  };
}

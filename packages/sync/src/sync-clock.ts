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
  /** Every change with a version below it is committed and readable, and none will appear there later. */
  watermark(run: SqlRun): Promise<number>;
}

const clockRow = 1;

/** The advisory lock key (two int4) PostgreSQL writers hold from their stamp to their commit: "sluice", "sync". */
const pgClockLock = '1936483689, 1937337955';
/** The PostgreSQL sequence versions are drawn from. */
const pgSequence = 'sync_version_seq';

/**
 * PostgreSQL: a sequence drawn under a transaction-level advisory lock, so one writer at a time holds
 * a number it has not committed, from its stamp (the last statements before COMMIT) to its commit.
 * Neither reads a snapshot, so REPEATABLE READ writers never fail on it. A reader takes the sequence's
 * last value L first and then looks whether the lock is held: held, the holder's number is L or
 * above, so L is the watermark; free, every number up to L is committed or rolled back, so L + 1 is.
 * Transactions that log nothing (an idle `BEGIN; UPDATE center ...`) never take the lock and never
 * hold a pull back. This replaced the smallest running transaction id, which any open writer of the
 * database held back without bound. A reader that meets a writer between its lock and its number reads
 * L although L + 1 would be safe, so two readers in a row may see the watermark go back by one: safe
 * (it only ever errs low), and what the WatermelonDB timestamp check allows for.
 */
const postgresClock: SyncClock = {
  stamp: async (run) => {
    await run(`select pg_advisory_xact_lock(${pgClockLock})`);
    return String(Number((await run(`select nextval('${pgSequence}') as v`))[0]?.v));
  },
  watermark: async (run) => {
    const [sequence] = await run(`select last_value, is_called from ${pgSequence}`);
    const last = sequence?.is_called ? Number(sequence.last_value) : Number(sequence?.last_value ?? 1) - 1;
    const [held] = await run(
      `select count(*) as n from pg_locks where locktype = 'advisory' and (classid, objid) = (${pgClockLock}) and objsubid = 2
         and database = (select oid from pg_database where datname = current_database())`,
    );
    return Number(held?.n) > 0 ? last : last + 1;
  },
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
  watermark: async (run) => Number((await run('select version + 1 as v from sync_clock where id = ?', [clockRow]))[0]?.v ?? 1),
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
  if (dialect === 'postgresql') await ensurePgSequence(run);
}

/**
 * Creates the version sequence when missing, starting above every version already in the log (earlier
 * releases used transaction ids, so checkpoints handed out before stay valid).
 */
async function ensurePgSequence(run: SqlRun): Promise<void> {
  if ((await run(`select to_regclass('${pgSequence}') as s`))[0]?.s) return;
  // Inside a writer's transaction a failed CREATE would abort it: creators queue on the clock's lock instead.
  await run(`select pg_advisory_xact_lock(${pgClockLock})`);
  if ((await run(`select to_regclass('${pgSequence}') as s`))[0]?.s) return;
  const [row] = await run('select greatest(coalesce(max(version), 0), pg_current_xact_id()::text::bigint) + 1 as start from sync_change');
  try {
    await run(`create sequence if not exists ${pgSequence} as bigint start with ${Number(row?.start)}`);
  } catch (error) {
    // Two processes creating it at once: the loser's CREATE fails on the catalog's unique index.
    if (!(await run(`select to_regclass('${pgSequence}') as s`))[0]?.s) throw error;
  }
}

/** Whether the clock is ready to stamp (the writer's first write checks once per process). */
export async function clockReady(run: SqlRun, dialect: SyncDialect): Promise<boolean> {
  if ((await run('select id from sync_clock where id = ?', [clockRow])).length === 0) return false;
  return dialect !== 'postgresql' || Boolean((await run(`select to_regclass('${pgSequence}') as s`))[0]?.s);
}

/** The clock row: this database's id, its checkpoint secret, the pruned horizon and the watermark. */
export async function readClockRow(run: SqlRun, dialect: SyncDialect): Promise<{ databaseId: string; secret: string; horizon: number; watermark: number }> {
  const [row] = await run('select database_id, secret, horizon_version from sync_clock where id = ?', [clockRow]);
  return {
    databaseId: String(row?.database_id),
    secret: String(row?.secret),
    horizon: Number(row?.horizon_version ?? 0),
    watermark: await clockFor(dialect).watermark(run),
  };
}

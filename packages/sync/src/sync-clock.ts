import { randomBytes } from 'node:crypto';
import type { CounterStore, Dialect, SqlRun } from '@sluice/db';

/**
 * The `sync_clock` row: this database's id, its checkpoint secret, the pruned horizon, and the
 * commit-order counter that versions the change log (each dialect's {@link Dialect.commitCounter}; the
 * package README argues why none lets a pull pass a transaction that commits later).
 */
const clockRow = 1;
const counter: CounterStore = { table: 'sync_clock', column: 'version', rowId: clockRow, sequence: 'sync_version_seq' };

/** Creates the clock row and counter when missing (concurrent callers are fine). */
export async function ensureClock(run: SqlRun, dialect: Dialect): Promise<void> {
  const columns = ['id', 'version', 'horizon_version', 'database_id', 'secret'].map((name) => dialect.quote(name)).join(', ');
  const values = [clockRow, 0, 0, randomBytes(16).toString('hex'), randomBytes(32).toString('hex')];
  await run(dialect.insertIgnore(`sync_clock (${columns})`, 'values (?, ?, ?, ?, ?)'), values);
  // Versions handed out before (an older counter, a restored log) stay below the first new one.
  await dialect.commitCounter.ensure(run, counter, async () => Number((await run('select max(version) as v from sync_change'))[0]?.v ?? 0));
}

/** Whether the clock is ready to stamp (a writer's first write checks once per process). */
export async function clockReady(run: SqlRun, dialect: Dialect): Promise<boolean> {
  if ((await run('select id from sync_clock where id = ?', [clockRow])).length === 0) return false;
  return dialect.commitCounter.ready(run, counter);
}

/** The version of the log rows a writer inserts now: the last thing before its COMMIT. */
export function stamp(run: SqlRun, dialect: Dialect): Promise<number> {
  return dialect.commitCounter.next(run, counter);
}

/** Every change with a version below it is committed and readable, and none will appear there later. */
export function watermark(run: SqlRun, dialect: Dialect): Promise<number> {
  return dialect.commitCounter.watermark(run, counter);
}

/**
 * The pruned horizon as last read, kept for a few seconds so a pull reads only the watermark before
 * its pages. It lets a pull answer a reset before reading anything; one that reads a horizon older
 * than the database's reaches the same reset a page later, since every log page reads the horizon in
 * its own statement (`pullLog`).
 */
export class HorizonCache {
  #known: { horizon: number; at: number } | undefined;
  readonly #maxAgeMs: number;

  constructor(maxAgeMs = 5_000) {
    this.#maxAgeMs = maxAgeMs;
  }

  async of(run: SqlRun): Promise<number> {
    if (this.#known && Date.now() - this.#known.at < this.#maxAgeMs) return this.#known.horizon;
    this.#known = { horizon: await readHorizon(run), at: Date.now() };
    return this.#known.horizon;
  }
}

/** Positions below the horizon were pruned from the log (in a transaction: as it sees the clock row). */
export async function readHorizon(run: SqlRun): Promise<number> {
  return Number((await run('select horizon_version as h from sync_clock where id = ?', [clockRow]))[0]?.h ?? 0);
}

/** The clock row: this database's id, its checkpoint secret, the pruned horizon and the watermark. */
export async function readClock(run: SqlRun, dialect: Dialect): Promise<{ databaseId: string; secret: string; horizon: number; watermark: number }> {
  // Side by side (two pooled connections outside a transaction): the watermark's own statements keep
  // their order, and a prune that moves the horizon meanwhile shows in the page's own horizon column.
  const [[row], mark] = await Promise.all([
    run('select database_id, secret, horizon_version from sync_clock where id = ?', [clockRow]),
    watermark(run, dialect),
  ]);
  return {
    databaseId: String(row?.database_id),
    secret: String(row?.secret),
    horizon: Number(row?.horizon_version ?? 0),
    watermark: mark,
  };
}

import type { EntityManager } from '@mikro-orm/sql';
import { ageInMs } from '@sluice/core';
import { nextTurn, placeholders } from '@sluice/db';
import { dialectOf, sqlRunner } from '@sluice/db/mikro-orm';
import { ensureClock, readClock } from './sync-clock.ts';
import { SyncError } from './sync-error.ts';

/** Parses an age such as `30d`, `12h` or `30m` into milliseconds (`SYNC_INVALID_RETENTION` otherwise). */
export function parseSyncAge(value: string): number {
  const age = ageInMs(value);
  if (age === null) throw SyncError.invalidRetention(value);
  return age;
}

/**
 * Deletes change-log rows written before `olderThan`, and push answers kept for replays as old.
 * The horizon moves first, so a client whose checkpoint falls behind it gets a reset (and
 * re-downloads its scope) instead of silently missing the pruned changes.
 */
export async function pruneSyncLog(em: EntityManager, olderThan: Date, batchSize = 5_000): Promise<{ pruned: number; horizon: number }> {
  const dialect = dialectOf(em);
  const run = sqlRunner(em);
  await ensureClock(run, dialect);
  const cutoff = dialect.timestamp(olderThan);
  const [oldest] = await run('select max(version) as v from sync_change where created_at < ?', [cutoff]);
  const { horizon: current, watermark } = await readClock(run, dialect);
  if (oldest?.v === null || oldest?.v === undefined) return { pruned: 0, horizon: current };
  const horizon = Math.max(current, Math.min(Number(oldest.v) + 1, watermark));
  await run('update sync_clock set horizon_version = ? where id = 1 and horizon_version < ?', [horizon, horizon]);
  let pruned = 0;
  for (;;) {
    const ids = (await run(`select id from sync_change where version < ? order by id limit ${Number(batchSize)}`, [horizon])).map((row) => row.id);
    if (ids.length === 0) break;
    await run(`delete from sync_change where id in (${placeholders(ids.length)})`, ids);
    pruned += ids.length;
    await nextTurn(); // a server's other requests go on between batches (see nextTurn)
  }
  await run('delete from sync_batch where created_at < ?', [cutoff]);
  return { pruned, horizon };
}

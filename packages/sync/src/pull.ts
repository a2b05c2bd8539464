import { chunks, type Dialect, placeholders, rawKey, type SqlRun } from '@sluice/db';
import type { Checkpoint, CheckpointCodec, LogPosition, WideLog } from './checkpoint.ts';
import type { MappingPull, SyncRow } from './protocol-schema.ts';
import { type CheckedSubset, type PullSubset, type RowCondition, sameSubset, scopesOf, subsetCondition, subsetOf, without } from './pull-subset.ts';
import type { ResolvedMapping } from './resolved-mapping.ts';
import type { LogEntry, RowReader } from './row-reader.ts';
import { readHorizon } from './sync-clock.ts';
import type { SyncSubject } from './sync-mapping.ts';

/** What a pull of one mapping needs, computed once per request. */
export interface PullContext {
  run: SqlRun;
  reader: RowReader;
  codec: CheckpointCodec;
  subject: SyncSubject;
  generation: number;
  /** Positions below this were pruned. */
  horizon: number;
  /** Every change below this version is committed. */
  watermark: number;
  dialect: Dialect;
  /** The subset the pull asks for (partial sync). */
  subset: CheckedSubset;
}

/** One page of one mapping, before its checkpoint is encoded. */
export interface PulledPage {
  changes: SyncRow[];
  deletes: (string | number)[];
  /** Uuids of changed rows that clients created (log pages; snapshot pages look them up). */
  newItems?: MappingPull['newItems'];
  next: Checkpoint;
  hasMore: boolean;
  /** The log was pruned past the checkpoint while this page was read: start over with a snapshot. */
  stale?: boolean;
}

/** Pulls one page of one mapping from `token` (null: a new client). */
export async function pullMapping(context: PullContext, mapping: ResolvedMapping, token: string | null, limit: number): Promise<MappingPull> {
  const decoded = token === null ? null : context.codec.decode(token, mapping.name);
  const wanted = subsetOf(context.subset, mapping);
  const reset = decoded !== null && (isStale(context, decoded) || !canShift(decoded, wanted));
  let page = await pullPage(context, mapping, decoded === null || reset ? startSnapshot(context, mapping) : shiftTo(decoded, wanted), limit);
  const overtaken = page.stale === true;
  if (overtaken) page = await pullPage(context, mapping, startSnapshot(context, mapping), limit);
  return {
    changes: page.changes,
    deletes: page.deletes,
    newItems: page.newItems ?? (await newItemsOf(context.run, mapping, page.changes)),
    checkpoint: context.codec.encode(page.next),
    hasMore: page.hasMore,
    reset: reset || overtaken,
  };
}

/** True when a checkpoint can no longer be continued: scopes changed, or the log was pruned past it. */
export function isStale(context: PullContext, checkpoint: Checkpoint): boolean {
  const position = checkpoint.phase === 'log' ? checkpoint.at : checkpoint.from;
  return checkpoint.generation !== context.generation || position.version < context.horizon;
}

/**
 * A checkpoint can move to another subset without a reset once it follows the log and no other shift
 * is under way (a snapshot, or a shift, in progress starts over instead).
 */
function canShift(checkpoint: Checkpoint, wanted: PullSubset): boolean {
  return sameSubset(checkpoint.subset, wanted) || (checkpoint.phase === 'log' && !checkpoint.shift);
}

/** The checkpoint that moves the client from its subset to `wanted` (itself when they are the same). */
export function shiftTo(checkpoint: Checkpoint, wanted: PullSubset): Checkpoint {
  if (sameSubset(checkpoint.subset, wanted) || checkpoint.phase !== 'log') return checkpoint;
  return { ...checkpoint, subset: wanted, shift: { step: 'left', after: null, from: checkpoint.subset } };
}

/** A snapshot of the subject's rows (of the pull's subset) that continues with the log from the current watermark. */
export function startSnapshot(context: PullContext, mapping: ResolvedMapping): Checkpoint {
  return {
    phase: 'snapshot',
    mapping: mapping.name,
    generation: context.generation,
    after: null,
    from: { version: context.watermark, id: 0 },
    subset: subsetOf(context.subset, mapping),
  };
}

/** One page from a checkpoint: snapshot rows by key, rows a shift of subset moves, or changes from the log. */
export function pullPage(context: PullContext, mapping: ResolvedMapping, checkpoint: Checkpoint, limit: number): Promise<PulledPage> {
  if (checkpoint.phase === 'snapshot') return pullSnapshot(context, mapping, checkpoint, limit);
  return checkpoint.shift ? pullShift(context, mapping, checkpoint, limit) : pullLog(context, mapping, checkpoint, limit);
}

function conditionOf(context: PullContext, mapping: ResolvedMapping, subset: PullSubset): RowCondition {
  return subsetCondition(context.dialect, context.subject, mapping, subset);
}

/**
 * One page of a shift of subset, while the log waits at the client's position: the rows of the old
 * subset that the new one lacks, as deletes, then the rows of the new one the old lacked, as they are
 * now. Rows of both stay where they are: the log brings what changed in them. See the README.
 */
async function pullShift(
  context: PullContext,
  mapping: ResolvedMapping,
  checkpoint: Extract<Checkpoint, { phase: 'log' }>,
  limit: number,
): Promise<PulledPage> {
  const shift = checkpoint.shift as NonNullable<typeof checkpoint.shift>;
  const now = conditionOf(context, mapping, checkpoint.subset);
  const before = conditionOf(context, mapping, shift.from);
  const left = shift.step === 'left';
  const page = await context.reader.page(mapping, left ? without(before, now) : without(now, before), shift.after, limit);
  const done = page.rows.length < limit;
  const next: Extract<Checkpoint, { phase: 'log' }> = { ...checkpoint, shift: { ...shift, after: page.last ?? shift.after } };
  if (done && left) {
    next.shift = { step: 'entered', after: null, from: shift.from };
    const wide = await widened(context, mapping, checkpoint.wide, shift.from, checkpoint.subset);
    if (wide) next.wide = wide;
  } else if (done) delete next.shift;
  if (!left) return { changes: page.rows.map((row) => row.row), deletes: [], newItems: page.newItems, next, hasMore: true };
  const deletes = page.rows.map((row) => row.row.id);
  const newItems =
    page.newItems ??
    (await newItemsOf(
      context.run,
      mapping,
      page.rows.map((row) => row.row),
    ));
  return { changes: [], deletes, newItems, next, hasMore: true };
}

/**
 * The log must still be read in the scopes a client left, for every change that committed before its
 * deletes were read: a row that moved out of them then was not among the deletes, and only its log
 * entry (in the scope it left) tells the client. Every such change is in the mapping's log by now, below
 * its newest version plus one.
 */
async function widened(
  context: PullContext,
  mapping: ResolvedMapping,
  wide: WideLog | undefined,
  from: PullSubset,
  to: PullSubset,
): Promise<WideLog | undefined> {
  // null: every scope of the subject but those of `to`, which `to`'s own log reads anyway.
  const left = to.scopes === null ? [] : from.scopes === null ? null : from.scopes.filter((scope) => !to.scopes?.includes(scope));
  if (left !== null && left.length === 0) return wide;
  const [row] = await context.run('select max(version) as v from sync_change where mapping = ?', [mapping.name]);
  const until = Number(row?.v ?? 0) + 1;
  const scopes = left === null || wide?.scopes === null ? null : [...new Set([...(wide?.scopes ?? []), ...left])].sort();
  return { scopes, until: Math.max(until, wide?.until ?? 0) };
}

async function pullSnapshot(
  context: PullContext,
  mapping: ResolvedMapping,
  checkpoint: Extract<Checkpoint, { phase: 'snapshot' }>,
  limit: number,
): Promise<PulledPage> {
  const page = await context.reader.page(mapping, conditionOf(context, mapping, checkpoint.subset), checkpoint.after, limit);
  const done = page.rows.length < limit;
  const next: Checkpoint = done
    ? { phase: 'log', mapping: mapping.name, generation: checkpoint.generation, at: checkpoint.from, subset: checkpoint.subset }
    : { ...checkpoint, after: page.last };
  // After the last snapshot page the log since the snapshot began is still to come: hasMore stays true.
  return { changes: page.rows.map((row) => row.row), deletes: [], newItems: page.newItems, next, hasMore: true };
}

async function pullLog(context: PullContext, mapping: ResolvedMapping, checkpoint: Extract<Checkpoint, { phase: 'log' }>, limit: number): Promise<PulledPage> {
  const { at } = checkpoint;
  const scopes = logScopes(context, checkpoint);
  const log = await context.reader.logPage(
    mapping,
    // `version >= ?` first: an index range start on every dialect, so later pages do not rescan earlier ones.
    `c.mapping = ? and c.version >= ? and (c.version > ? or c.id > ?) and c.version < ?${scopes.sql}`,
    [mapping.name, at.version, at.version, at.id, context.watermark, ...scopes.params],
    limit + 1,
  );
  // A prune may have run since the horizon was read: what it deleted is missing from `log`. The page
  // read the horizon in its own statement; an empty page asks again.
  const horizon = log[0]?.horizon ?? (await readHorizon(context.run));
  if (horizon > at.version) return { changes: [], deletes: [], newItems: [], next: checkpoint, hasMore: true, stale: true };
  const hasMore = log.length > limit;
  const page = log.slice(0, limit);
  const last = page.at(-1);
  const next: LogPosition = hasMore && last ? { version: last.version, id: last.id } : { version: Math.max(context.watermark, at.version), id: 0 };
  // Latest state once per row, in the order of each row's last change.
  const latest = new Map(page.map((entry) => [entry.rowId, entry]));
  const kept = await keptRows(context, mapping, checkpoint.subset, [...latest.values()]);
  const changes: SyncRow[] = [];
  const deletes: (string | number)[] = [];
  const newItems: MappingPull['newItems'] = [];
  for (const [rowId, entry] of latest) {
    if (entry.found && kept.has(String(entry.found.row.id))) {
      changes.push(entry.found.row);
      if (entry.uuid) newItems.push({ uuid: entry.uuid, id: entry.found.row.id });
    } else {
      const id = entry.found?.row.id ?? (mapping.kind === 'membership' ? rowId : rawKey(rowId));
      deletes.push(id);
      // A client keys the rows it created by their uuid: it needs the uuid to delete one too.
      if (entry.uuid) newItems.push({ uuid: entry.uuid, id });
    }
  }
  const moved: Extract<Checkpoint, { phase: 'log' }> = { ...checkpoint, at: next };
  // Past `until`, every entry of the scopes left has been read.
  if (moved.wide && next.version >= moved.wide.until) delete moved.wide;
  return { changes, deletes, newItems, next: moved, hasMore };
}

/** Which log entries a pull reads: those of the subset's scopes (and of a wide log's, below its `until`). */
function logScopes(context: PullContext, checkpoint: Extract<Checkpoint, { phase: 'log' }>): { sql: string; params: unknown[] } {
  const scopes = scopesOf(context.subject, checkpoint.subset);
  if (scopes === 'all') return { sql: '', params: [] };
  const inScopes = (list: readonly string[]) =>
    list.length === 0 ? '1 = 0' : `c.scope in (${placeholders(list.length)}) or c.left_scope in (${placeholders(list.length)})`;
  let sql = `c.scope is null or ${inScopes(scopes)}`;
  const params: unknown[] = [...scopes, ...scopes];
  const { wide } = checkpoint;
  if (wide && checkpoint.at.version < wide.until) {
    const extra = scopesOf(context.subject, { scopes: wide.scopes, parameters: null });
    sql += extra === 'all' ? ' or c.version < ?' : ` or (c.version < ? and (${inScopes(extra)}))`;
    params.push(wide.until, ...(extra === 'all' ? [] : [...extra, ...extra]));
  }
  return { sql: ` and (${sql})`, params };
}

/** Ids of the entries' current rows that the subset keeps (in its scopes, matching its parameters). */
async function keptRows(context: PullContext, mapping: ResolvedMapping, subset: PullSubset, entries: LogEntry[]): Promise<Set<string>> {
  const found = entries.flatMap((entry) => (entry.found ? [entry.found] : []));
  const scopes = scopesOf(context.subject, subset);
  const inScopes = found.filter((row) => !mapping.scope || scopes === 'all' || (row.scope !== null && scopes.includes(row.scope)));
  const ids = inScopes.map((row) => String(row.row.id));
  if (!subset.parameters || ids.length === 0 || mapping.kind !== 'entity') return new Set(ids);
  return context.reader.matching(mapping, conditionOf(context, mapping, subset), ids);
}

/** Client uuids of rows that clients created, by row id. */
export async function uuidsOf(run: SqlRun, mapping: string, ids: readonly (string | number)[]): Promise<Map<string, string>> {
  const uuids = new Map<string, string>();
  for (const part of chunks([...new Set(ids.map(String))])) {
    const found = await run(`select uuid, row_id from sync_item where mapping = ? and row_id in (${placeholders(part.length)})`, [mapping, ...part]);
    for (const item of found) uuids.set(String(item.row_id), String(item.uuid));
  }
  return uuids;
}

async function newItemsOf(run: SqlRun, mapping: ResolvedMapping, rows: SyncRow[]): Promise<MappingPull['newItems']> {
  const uuids = await uuidsOf(
    run,
    mapping.name,
    rows.map((row) => row.id),
  );
  return rows.flatMap((row) => (uuids.has(String(row.id)) ? [{ uuid: uuids.get(String(row.id)) as string, id: row.id }] : []));
}

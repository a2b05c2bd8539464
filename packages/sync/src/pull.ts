import { chunks, placeholders, rawKey, type SqlRun } from '@sluice/db';
import type { Checkpoint, CheckpointCodec, LogPosition } from './checkpoint.ts';
import type { MappingPull, SyncRow } from './protocol-schema.ts';
import type { ResolvedMapping } from './resolved-mapping.ts';
import { inScope, type RowReader } from './row-reader.ts';
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
  const reset = decoded !== null && isStale(context, decoded);
  let page = await pullPage(context, mapping, decoded === null || reset ? startSnapshot(context, mapping) : decoded, limit);
  if (page.stale) page = await pullPage(context, mapping, startSnapshot(context, mapping), limit);
  return {
    changes: page.changes,
    deletes: page.deletes,
    newItems: page.newItems ?? (await newItemsOf(context.run, mapping, page.changes)),
    checkpoint: context.codec.encode(page.next),
    hasMore: page.hasMore,
    reset: reset || page.stale === true,
  };
}

/** True when a checkpoint can no longer be continued: scopes changed, or the log was pruned past it. */
export function isStale(context: PullContext, checkpoint: Checkpoint): boolean {
  const position = checkpoint.phase === 'log' ? checkpoint.at : checkpoint.from;
  return checkpoint.generation !== context.generation || position.version < context.horizon;
}

/** A snapshot of the subject's rows that continues with the log from the current watermark. */
export function startSnapshot(context: PullContext, mapping: ResolvedMapping): Checkpoint {
  return { phase: 'snapshot', mapping: mapping.name, generation: context.generation, after: null, from: { version: context.watermark, id: 0 } };
}

/** One page from a checkpoint: snapshot rows by key, or changes from the log. */
export function pullPage(context: PullContext, mapping: ResolvedMapping, checkpoint: Checkpoint, limit: number): Promise<PulledPage> {
  return checkpoint.phase === 'snapshot' ? pullSnapshot(context, mapping, checkpoint, limit) : pullLog(context, mapping, checkpoint, limit);
}

async function pullSnapshot(
  context: PullContext,
  mapping: ResolvedMapping,
  checkpoint: Extract<Checkpoint, { phase: 'snapshot' }>,
  limit: number,
): Promise<PulledPage> {
  const page = await context.reader.page(mapping, context.subject, checkpoint.after, limit);
  const done = page.rows.length < limit;
  const next: Checkpoint = done
    ? { phase: 'log', mapping: mapping.name, generation: checkpoint.generation, at: checkpoint.from }
    : { ...checkpoint, after: page.last };
  // After the last snapshot page the log since the snapshot began is still to come: hasMore stays true.
  return { changes: page.rows.map((row) => row.row), deletes: [], next, hasMore: true };
}

async function pullLog(context: PullContext, mapping: ResolvedMapping, checkpoint: Extract<Checkpoint, { phase: 'log' }>, limit: number): Promise<PulledPage> {
  const { at } = checkpoint;
  const scoped = context.subject.scopes === 'all' ? null : context.subject.scopes;
  const scopeSql =
    scoped === null
      ? ''
      : scoped.length === 0
        ? ' and c.scope is null'
        : ` and (c.scope is null or c.scope in (${placeholders(scoped.length)}) or c.left_scope in (${placeholders(scoped.length)}))`;
  const log = await context.reader.logPage(
    mapping,
    // `version >= ?` first: an index range start on every dialect, so later pages do not rescan earlier ones.
    `c.mapping = ? and c.version >= ? and (c.version > ? or c.id > ?) and c.version < ?${scopeSql}`,
    [mapping.name, at.version, at.version, at.id, context.watermark, ...(scoped ?? []), ...(scoped ?? [])],
    limit + 1,
  );
  // A prune may have run since the horizon was read: what it deleted is missing from `log`. The page
  // read the horizon in its own statement; an empty page asks again.
  const horizon = log[0]?.horizon ?? Number((await context.run('select horizon_version as h from sync_clock where id = 1'))[0]?.h ?? 0);
  if (horizon > at.version) return { changes: [], deletes: [], newItems: [], next: checkpoint, hasMore: true, stale: true };
  const hasMore = log.length > limit;
  const page = log.slice(0, limit);
  const last = page.at(-1);
  const next: LogPosition = hasMore && last ? { version: last.version, id: last.id } : { version: Math.max(context.watermark, at.version), id: 0 };
  // Latest state once per row, in the order of each row's last change.
  const latest = new Map(page.map((entry) => [entry.rowId, entry]));
  const changes: SyncRow[] = [];
  const deletes: (string | number)[] = [];
  const newItems: MappingPull['newItems'] = [];
  for (const [rowId, entry] of latest) {
    if (entry.found && inScope(context.subject, mapping, entry.found.scope)) {
      changes.push(entry.found.row);
      if (entry.uuid) newItems.push({ uuid: entry.uuid, id: entry.found.row.id });
    } else {
      const id = entry.found?.row.id ?? (mapping.kind === 'membership' ? rowId : rawKey(rowId));
      deletes.push(id);
      // A client keys the rows it created by their uuid: it needs the uuid to delete one too.
      if (entry.uuid) newItems.push({ uuid: entry.uuid, id });
    }
  }
  return { changes, deletes, newItems, next: { ...checkpoint, at: next }, hasMore };
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

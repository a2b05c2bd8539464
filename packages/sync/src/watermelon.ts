import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { nextTurn } from '@sluice/db';
import type { Checkpoint, HeldSubset, WideLog } from './checkpoint.ts';
import type { MappingChanges, MappingPull, SubsetRequest, SyncRow, WatermelonPullResult, WatermelonPushTable } from './protocol-schema.ts';
import { type PullContext, pullPage, shiftTo, startSnapshot, uuidsOf } from './pull.ts';
import { fullSubset, type PullSubset, subsetOf } from './pull-subset.ts';
import { applyPush } from './push.ts';
import type { ResolvedMapping } from './resolved-mapping.ts';
import { SyncError } from './sync-error.ts';
import type { SyncSubject } from './sync-mapping.ts';
import type { SyncServer } from './sync-server.ts';

// The timestamp carries the log version and the scope generation: one number, as the client requires.
const generationSpace = 65_536;
const pageSize = 5_000;
/** Rows per chunk written to the client: ~100 kB buffers, not one several-MB buffer per page. */
const chunkRows = 250;

function encodeTimestamp(version: number, generation: number): number {
  return version * generationSpace + (generation % generationSpace);
}

function decodeTimestamp(timestamp: number): { version: number; generation: number } {
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0) throw SyncError.invalidCheckpoint('last_pulled_at must be a positive integer');
  return { version: Math.floor(timestamp / generationSpace), generation: timestamp % generationSpace };
}

/**
 * WatermelonDB's timestamp is a bare number the client sends back, so it cannot carry a signature like
 * the generic protocol's checkpoints. What the server can verify is that it issued it: every timestamp it
 * hands out is at or below the watermark, which only grows (give or take one, below). One beyond it is forged (a future value
 * would skip changes on pull and hide conflicts on push); one below is merely old, and costs the client
 * a longer pull or a conflict, never a missed change.
 */
function issuedBefore(since: { version: number; generation: number }, watermark: number): { version: number; generation: number } {
  // One of slack: on PostgreSQL a reader that meets a writer between its lock and its number reads the
  // watermark one lower than a reader just before (see the clock), so an issued value may be one above.
  if (since.version > watermark + 1) throw SyncError.invalidCheckpoint('last_pulled_at was not issued by this server');
  return since;
}

/**
 * The sync protocol in WatermelonDB's shapes (`pullChanges` / `pushChanges`), over the same log.
 * Rows a client created keep its ids (uuids); every other row's id is its server key as text.
 * Everything comes back as `updated`: set `sendCreatedAsUpdated: true` in `synchronize()`.
 *
 * @example
 * ```ts
 * const watermelon = new WatermelonSync(sync);
 * const { changes, timestamp } = await watermelon.pull(em, subject, { lastPulledAt, schemaVersion: 1, migration: null });
 * ```
 */
export class WatermelonSync {
  readonly #server: SyncServer;

  constructor(server: SyncServer) {
    this.#server = server;
  }

  /** {@link WatermelonSync.pullJson}, parsed: for callers that want the object (the route streams the JSON). */
  async pull(em: EntityManager, subject: SyncSubject, request: WatermelonPullRequest): Promise<WatermelonPullResult> {
    const chunks: string[] = [];
    for await (const chunk of await this.pullJson(em, subject, request)) chunks.push(chunk);
    return JSON.parse(chunks.join('')) as WatermelonPullResult;
  }

  /**
   * WatermelonDB's `pullChanges` answer as JSON text, written as it is read: a first sync (or a reset, or
   * a table a migration added) streams its rows page by page, so the server's memory stays flat whatever
   * the scope's size. Its timestamp is the watermark the snapshot started from; rows that change while it
   * is read come again in the next pull (WatermelonDB applies them as updates). Incremental pulls read
   * the log first (it is small) and fall back to a full sync if a prune overtook them.
   */
  async pullJson(em: EntityManager, subject: SyncSubject, request: WatermelonPullRequest): Promise<AsyncIterable<string>> {
    const since = request.lastPulledAt ? decodeTimestamp(request.lastPulledAt) : null;
    const subset = this.#server.checkSubset(subject, request.subset ?? {});
    const context = await this.#server.pullContext(em, subject, subset);
    const held = request.held ? context.codec.decodeHeld(request.held) : null;
    if (held && held.timestamp !== request.lastPulledAt) throw SyncError.invalidCheckpoint('the subset token belongs to another last_pulled_at');
    if (since) issuedBefore(since, context.watermark);
    const stale = since !== null && (since.generation !== context.generation % generationSpace || since.version < context.horizon);
    const mappings = this.#server.mappingsFor(subject).filter((mapping) => (mapping.config.addedIn ?? 1) <= request.schemaVersion);
    const full = new Set(since === null || stale ? mappings.map((mapping) => mapping.name) : migrated(mappings, request.migration, request.schemaVersion));
    const logs = await readLogs(context, mappings, full, since, held);
    const reset = stale || logs === null;
    if (reset) for (const mapping of mappings) full.add(mapping.name);
    return this.#json(context, subject, mappings, {
      full,
      logs: logs ?? new Map(),
      reset,
      version: context.watermark,
      schemaVersion: request.schemaVersion,
    });
  }

  async *#json(context: PullContext, subject: SyncSubject, mappings: ResolvedMapping[], plan: PullPlan): AsyncGenerator<string> {
    let version = plan.version;
    let wide: WideLog | undefined;
    yield '{"changes":{';
    for (const [index, mapping] of mappings.entries()) {
      yield `${index > 0 ? ',' : ''}${JSON.stringify(mapping.name)}:{"created":[],"updated":[`;
      const shape = (rows: SyncRow[], own?: MappingPull['newItems']) =>
        toWatermelonRows(context, mapping, this.#server, subject, withoutNewerFields(mapping, rows, plan.schemaVersion), own);
      let deleted: string[] = [];
      if (plan.full.has(mapping.name)) yield* snapshotRows(context, mapping, shape);
      else {
        const log = plan.logs.get(mapping.name);
        if (log) {
          yield (await shape(log.rows)).map((row) => JSON.stringify(row)).join(',');
          deleted = await toWatermelonIds(context, mapping, log.deletes);
          // With every table from the log, its end is the timestamp; a table sent in full pins it to where its snapshot began.
          if (plan.full.size === 0) version = Math.max(version, log.at);
          wide = widest(wide, log.wide);
        }
      }
      yield `],"deleted":${JSON.stringify(deleted)}}`;
    }
    const timestamp = encodeTimestamp(version, context.generation);
    const held: HeldSubset = { timestamp, scopes: context.subset.scopes, parameters: Object.fromEntries(context.subset.parameters) };
    if (wide) held.wide = wide;
    yield `},"timestamp":${timestamp}${plan.reset ? ',"experimentalStrategy":"replacement"' : ''},"subset":${JSON.stringify(context.codec.encodeHeld(held))}}`;
  }

  /** Applies the client's changes; conflicts (a row changed on the server since `lastPulledAt`) answer 409. */
  async push(em: EntityManager, subject: SyncSubject, lastPulledAt: number, changes: Record<string, WatermelonPushTable>, clientId?: string) {
    const { version } = issuedBefore(decodeTimestamp(lastPulledAt), await this.#server.watermark(em));
    const request: Record<string, MappingChanges> = {};
    for (const [table, set] of Object.entries(changes)) {
      const mapping = this.#server.mapping(subject, table);
      request[table] = {
        created: set.created.map((raw) => fromWatermelon(mapping, { ...raw, uuid: raw.id })),
        updated: set.updated.map((raw) => fromWatermelon(mapping, raw)),
        deleted: set.deleted,
      };
    }
    const context = this.#server.pushContext(em, subject, () => ({ version, id: 0 }));
    // Without a client id every device of a user would share one origin, and each would be exempt from the
    // others' conflicts: a push with no client id is its own origin.
    const response = await applyPush(context, { clientId: clientId ?? `watermelon:${randomUUID()}`, batchId: randomUUID(), changes: request });
    const rejected: Record<string, string[]> = {};
    for (const [table, result] of Object.entries(response.mappings))
      if (result.failedItems.length > 0) rejected[table] = result.failedItems.map((item) => String(item.uuid ?? item.id));
    return Object.keys(rejected).length > 0 ? { experimentalRejectedIds: rejected } : {};
  }
}

/**
 * What a WatermelonDB pull asks: its position, its schema version and, after an app update, its
 * migration; for partial sync the subset it wants and the subset token of its last pull.
 */
export interface WatermelonPullRequest {
  lastPulledAt: number | null;
  /** The subset wanted (default: every row of the subject). */
  subset?: SubsetRequest;
  /** The `subset` token the pull that issued `lastPulledAt` answered (absent: the client held every row). */
  held?: string | null;
  schemaVersion: number;
  /** WatermelonDB's migration, `{ from, tables, columns: [{ table, columns }] }`; null when none. */
  migration: WatermelonMigration | null;
}

/** What a client that just migrated its schema asks for in full (WatermelonDB's `migration`). */
export interface WatermelonMigration {
  from: number;
  tables: string[];
  columns: { table: string; columns: string[] }[];
}

interface PullPlan {
  /** Mappings sent in full, streamed from a snapshot. */
  full: Set<string>;
  /** The others' changes since the client's timestamp, read before anything is sent. */
  logs: Map<string, { rows: SyncRow[]; deletes: (string | number)[]; at: number; wide?: WideLog }>;
  reset: boolean;
  version: number;
  schemaVersion: number;
}

/**
 * The mappings a migration sync resends in full: the tables and columns the client says it added, and
 * any whose declared versions (`addedIn`, `fieldsAddedIn`) lie between the version it migrated from and its own.
 */
function migrated(mappings: ResolvedMapping[], migration: WatermelonMigration | null, schemaVersion: number): string[] {
  if (!migration) return [];
  const named = new Set([...migration.tables, ...migration.columns.map((column) => column.table)]);
  const newer = (version: number | undefined) => (version ?? 1) > migration.from && (version ?? 1) <= schemaVersion;
  return mappings
    .filter((mapping) => named.has(mapping.name) || newer(mapping.config.addedIn) || Object.values(fieldVersions(mapping)).some(newer))
    .map((mapping) => mapping.name);
}

function fieldVersions(mapping: ResolvedMapping): Record<string, number> {
  return mapping.kind === 'entity' ? (mapping.config.fieldsAddedIn ?? {}) : {};
}

/** Rows without the fields a client of `schemaVersion` does not have yet. */
function withoutNewerFields(mapping: ResolvedMapping, rows: SyncRow[], schemaVersion: number): SyncRow[] {
  const newer = Object.entries(fieldVersions(mapping)).filter(([, version]) => version > schemaVersion);
  if (newer.length === 0) return rows;
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([field]) => !newer.some(([name]) => name === field))) as SyncRow);
}

/** The snapshot of a mapping, page by page, as JSON rows separated by commas. */
async function* snapshotRows(
  context: PullContext,
  mapping: ResolvedMapping,
  shape: (rows: SyncRow[], own?: MappingPull['newItems']) => Promise<Record<string, unknown>[]>,
) {
  let checkpoint = startSnapshot(context, mapping);
  let first = true;
  while (checkpoint.phase === 'snapshot') {
    const page = await pullPage(context, mapping, checkpoint, pageSize);
    const rows = await shape(page.changes, page.newItems);
    for (let start = 0; start < rows.length; start += chunkRows) {
      yield `${first ? '' : ','}${rows
        .slice(start, start + chunkRows)
        .map((row) => JSON.stringify(row))
        .join(',')}`;
      first = false;
    }
    checkpoint = page.next;
    // Over SQLite the whole answer would otherwise be one turn of the event loop: no other request
    // served, and every statement's native memory kept until the end (see nextTurn).
    await nextTurn();
  }
}

/**
 * The log of every mapping not sent in full, from `since`, after the rows a change of subset moves in
 * and out (from the subset the client held); null when a prune overtook one (start over in full).
 */
async function readLogs(context: PullContext, mappings: ResolvedMapping[], full: Set<string>, since: { version: number } | null, held: HeldSubset | null) {
  const logs: PullPlan['logs'] = new Map();
  if (since === null) return logs;
  for (const mapping of mappings) {
    if (full.has(mapping.name)) continue;
    const from: Checkpoint = {
      phase: 'log',
      mapping: mapping.name,
      generation: context.generation,
      at: { version: since.version, id: 0 },
      subset: heldSubset(held, mapping),
    };
    if (held?.wide) from.wide = held.wide;
    const read = await readAll(context, mapping, shiftTo(from, subsetOf(context.subset, mapping)));
    if (!read) return null;
    logs.set(mapping.name, read);
  }
  return logs;
}

/** Reads a mapping's log to the end from `from`: the latest state per row. */
async function readAll(context: PullContext, mapping: ResolvedMapping, from: Parameters<typeof pullPage>[2]) {
  const rows = new Map<string, SyncRow>();
  const deletes = new Set<string | number>();
  let checkpoint = from;
  for (;;) {
    const page = await pullPage(context, mapping, checkpoint, pageSize);
    if (page.stale) return null;
    for (const row of page.changes) {
      rows.set(String(row.id), row);
      deletes.delete(row.id);
    }
    for (const id of page.deletes) {
      rows.delete(String(id));
      deletes.add(id);
    }
    checkpoint = page.next;
    if (checkpoint.phase === 'log' && !page.hasMore)
      return { rows: [...rows.values()], deletes: [...deletes], at: checkpoint.at.version, wide: checkpoint.wide };
    await nextTurn(); // as between snapshot pages
  }
}

/** What the client held of `mapping`: every row without a token (a client that never asked for a subset). */
function heldSubset(held: HeldSubset | null, mapping: ResolvedMapping): PullSubset {
  if (!held) return fullSubset;
  return { scopes: held.scopes, parameters: held.parameters[mapping.name] ?? null };
}

/** One wide log that covers both. */
function widest(a: WideLog | undefined, b: WideLog | undefined): WideLog | undefined {
  if (!a || !b) return a ?? b;
  return { scopes: a.scopes === null || b.scopes === null ? null : [...new Set([...a.scopes, ...b.scopes])].sort(), until: Math.max(a.until, b.until) };
}

/** Server ids -> the ids the client knows (uuids of rows it created), for rows and their references. */
async function toWatermelonRows(
  context: PullContext,
  mapping: ResolvedMapping,
  server: SyncServer,
  subject: SyncSubject,
  rows: SyncRow[],
  /** The rows' uuids when the page read them already. */
  known?: MappingPull['newItems'],
) {
  const own = known
    ? new Map(known.map((item) => [String(item.id), item.uuid]))
    : await uuidsOf(
        context.run,
        mapping.name,
        rows.map((row) => row.id),
      );
  const references =
    mapping.kind === 'entity' ? mapping.fields.filter((field) => field.targetMapping && (field.kind === 'reference' || field.kind === 'collection')) : [];
  const translations = new Map<string, Map<string, string>>();
  for (const field of references) {
    const target = server.mappingsFor(subject).find((candidate) => candidate.name === field.targetMapping);
    if (!target) continue;
    const ids = rows.flatMap((row) => (Array.isArray(row[field.name]) ? (row[field.name] as unknown[]) : [row[field.name]])).filter((id) => id !== null) as (
      | string
      | number
    )[];
    translations.set(field.name, await uuidsOf(context.run, target.name, ids));
  }
  const translate = (field: string, id: unknown) => (id === null ? null : (translations.get(field)?.get(String(id)) ?? String(id)));
  return rows.map((row) => {
    const raw: Record<string, unknown> = { ...row, id: own.get(String(row.id)) ?? String(row.id) };
    for (const field of references) {
      if (!(field.name in row)) continue; // a field the client's schema version does not have
      const value = row[field.name];
      raw[field.name] = Array.isArray(value) ? JSON.stringify(value.map((id) => translate(field.name, id))) : translate(field.name, value);
    }
    return raw;
  });
}

async function toWatermelonIds(context: PullContext, mapping: ResolvedMapping, ids: (string | number)[]): Promise<string[]> {
  const own = await uuidsOf(context.run, mapping.name, ids);
  return ids.map((id) => own.get(String(id)) ?? String(id));
}

/** A WatermelonDB raw record -> a push row: many-to-many fields arrive as JSON text. */
function fromWatermelon<Row extends Record<string, unknown>>(mapping: ResolvedMapping, raw: Row): Row {
  const row: Record<string, unknown> = { ...raw };
  if (mapping.kind !== 'entity') return raw;
  for (const field of mapping.fields) {
    const value = row[field.name];
    if (field.kind === 'collection' && typeof value === 'string') {
      try {
        row[field.name] = JSON.parse(value);
      } catch {
        // Left as text: the mapping's schema reports it as a field error.
      }
    }
  }
  return row as Row;
}

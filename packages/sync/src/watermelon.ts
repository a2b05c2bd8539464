import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import type { MappingChanges, SyncRow, WatermelonPullResult, WatermelonPushTable, WatermelonTableChanges } from './protocol-schema.ts';
import { type PullContext, pullPage, startSnapshot, uuidsOf } from './pull.ts';
import { applyPush } from './push.ts';
import type { ResolvedMapping } from './resolved-mapping.ts';
import { SyncError } from './sync-error.ts';
import type { SyncSubject } from './sync-mapping.ts';
import type { SyncServer } from './sync-server.ts';

// The timestamp carries the log version and the scope generation: one number, as the client requires.
const generationSpace = 65_536;
const pageSize = 5_000;

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
 * const { changes, timestamp } = await watermelon.pull(em, subject, lastPulledAt);
 * ```
 */
export class WatermelonSync {
  readonly #server: SyncServer;

  constructor(server: SyncServer) {
    this.#server = server;
  }

  async pull(em: EntityManager, subject: SyncSubject, lastPulledAt: number | null): Promise<WatermelonPullResult> {
    const since = lastPulledAt ? decodeTimestamp(lastPulledAt) : null;
    const context = await this.#server.pullContext(em, subject);
    if (since) issuedBefore(since, context.watermark);
    const reset = since !== null && (since.generation !== context.generation % generationSpace || since.version < context.horizon);
    return (
      (await this.#pullAll(context, subject, reset ? null : since, reset)) ?? ((await this.#pullAll(context, subject, null, true)) as WatermelonPullResult)
    );
  }

  /** Every mapping from `since` (null: the whole scope); null when a prune overtook the pull. */
  async #pullAll(context: PullContext, subject: SyncSubject, since: { version: number } | null, reset: boolean): Promise<WatermelonPullResult | null> {
    const changes: Record<string, WatermelonTableChanges> = {};
    let version = context.watermark;
    for (const mapping of this.#server.mappingsFor(subject)) {
      const from =
        since === null
          ? startSnapshot(context, mapping)
          : { phase: 'log' as const, mapping: mapping.name, generation: context.generation, at: { version: since.version, id: 0 } };
      const read = await readAll(context, mapping, from);
      if (!read) return null;
      const { rows, deletes, at } = read;
      version = Math.max(version, at);
      changes[mapping.name] = {
        created: [],
        updated: await toWatermelonRows(context, mapping, this.#server, subject, rows),
        deleted: await toWatermelonIds(context, mapping, deletes),
      };
    }
    return { changes, timestamp: encodeTimestamp(version, context.generation), ...(reset ? { experimentalStrategy: 'replacement' as const } : {}) };
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

/** Reads a mapping to the end from `from`: the latest state per row. */
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
    if (checkpoint.phase === 'log' && !page.hasMore) return { rows: [...rows.values()], deletes: [...deletes], at: checkpoint.at.version };
  }
}

/** Server ids -> the ids the client knows (uuids of rows it created), for rows and their references. */
async function toWatermelonRows(context: PullContext, mapping: ResolvedMapping, server: SyncServer, subject: SyncSubject, rows: SyncRow[]) {
  const own = await uuidsOf(
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

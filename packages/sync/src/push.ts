import { createHash } from 'node:crypto';
import { IsolationLevel, wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { chunks, type Dialect, placeholders, rawKey, type SqlRun } from '@sluice/db';
import { sqlRunner } from '@sluice/db/mikro-orm';
import { z } from 'zod';
import type { LogPosition } from './checkpoint.ts';
import type { FailedItem, MappingChanges, MappingPushResult, PushConflict, PushRequest, PushResponse } from './protocol-schema.ts';
import type { MappingSet, ResolvedEntityMapping, ResolvedField } from './resolved-mapping.ts';
import { inScope, RowReader } from './row-reader.ts';
import { entityScopes, lockRows, scopesThrough } from './scope-sql.ts';
import { readHorizon } from './sync-clock.ts';
import { SyncError } from './sync-error.ts';
import type { SyncSubject } from './sync-mapping.ts';
import { withSyncOrigin } from './sync-origin.ts';

type Key = string | number;

/** A row of the push after validation, ready to apply. */
interface Planned {
  uuid?: string;
  /** The server id of an existing row (updates, deletes, known uuids). */
  id?: string;
  data: Record<string, unknown>;
}

interface MappingPlan {
  mapping: ResolvedEntityMapping;
  creates: Planned[];
  updates: Planned[];
  deletes: string[];
  result: MappingPushResult;
}

/** Everything a push needs besides the request. */
export interface PushContext {
  em: EntityManager;
  mappings: MappingSet;
  dialect: Dialect;
  subject: SyncSubject;
  /** The log position each mapping's client state reflects; later changes by others are conflicts. */
  since: (mapping: string) => LogPosition | null;
  maxRows: number;
}

/** Applies a push in one transaction, or replays the stored answer of a batch already applied. */
export async function applyPush(context: PushContext, request: PushRequest): Promise<PushResponse> {
  checkShape(context, request);
  const stored = await storedAnswer(sqlRunner(context.em), context.subject, request);
  if (stored) return stored;
  try {
    // READ COMMITTED: the conflict check must read changes committed while it waited for its row locks
    // (MariaDB's default REPEATABLE READ would read the snapshot of the transaction's first query).
    const isolation = context.dialect.isolation(IsolationLevel.READ_COMMITTED);
    const origin = syncOrigin(context.subject, request.clientId);
    return await withSyncOrigin(origin, () => context.em.fork().transactional((em) => applyInTransaction({ ...context, em }, request, origin), isolation));
  } catch (error) {
    // The same batch applied concurrently: its stored answer is the answer.
    const replay = await storedAnswer(sqlRunner(context.em), context.subject, request);
    if (replay) return replay;
    throw error;
  }
}

function checkShape(context: PushContext, request: PushRequest): void {
  let rows = 0;
  for (const [name, changes] of Object.entries(request.changes)) {
    const mapping = context.mappings.byName.get(name);
    if (!mapping || (context.subject.mappings && !context.subject.mappings.includes(name))) throw SyncError.unknownMapping(name);
    const count = (changes.created?.length ?? 0) + (changes.updated?.length ?? 0) + (changes.deleted?.length ?? 0);
    if (count > 0 && (mapping.kind !== 'entity' || !mapping.push)) throw SyncError.invalidBatch(`mapping "${name}" is read-only`);
    rows += count;
    const uuids = (changes.created ?? []).map((row) => String(row.uuid));
    if (new Set(uuids).size !== uuids.length) throw SyncError.invalidBatch(`a uuid appears twice among the created rows of "${name}"`);
    const ids = [...(changes.updated ?? []).map((row) => String(row.id)), ...(changes.deleted ?? []).map(String)];
    if (new Set(ids).size !== ids.length) throw SyncError.invalidBatch(`a row of "${name}" is updated or deleted twice`);
  }
  if (rows > context.maxRows) throw SyncError.invalidBatch(`${rows} rows exceed the limit of ${context.maxRows} per push`);
}

/** What `sync_batch.response` holds: the answer, and a digest of the changes it answered (absent in older rows). */
interface StoredBatch extends PushResponse {
  digest?: string;
}

async function storedAnswer(run: SqlRun, subject: SyncSubject, request: PushRequest): Promise<PushResponse | null> {
  const [row] = await run('select subject, response from sync_batch where client_id = ? and batch_id = ?', [request.clientId, request.batchId]);
  if (!row) return null;
  if (row.subject !== subject.id) throw SyncError.batchReused(request.batchId, 'another user');
  const { digest, ...answer } = (typeof row.response === 'string' ? JSON.parse(row.response) : row.response) as StoredBatch;
  // A replay must carry the same changes: answering other rows with the first answer would drop them unseen.
  if (digest !== undefined && digest !== changesDigest(request)) throw SyncError.batchReused(request.batchId, 'other content');
  return answer;
}

/** SHA-256 of the changes in a canonical form (keys sorted), so a replay serialised differently still matches. */
function changesDigest(request: PushRequest): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(request.changes)))
    .digest('base64url');
}

/** One mapping's part of a push, with the server ids of the rows it names, resolved once. */
interface Entry {
  mapping: ResolvedEntityMapping;
  changes: MappingChanges;
  /** Updated and deleted keys -> server ids. */
  ids: Map<string, string>;
  /** Uuids of created rows that exist already (a create sent again) -> server ids. */
  known: Map<string, string>;
}

async function applyInTransaction(context: PushContext, request: PushRequest, origin: string): Promise<PushResponse> {
  const run = sqlRunner(context.em);
  const entries: Entry[] = [];
  // A mapping's own rows are only created when its plan is applied, so resolving them all up front is
  // what resolving each before its plan would give.
  for (const mapping of context.mappings.byName.values()) {
    const changes = request.changes[mapping.name];
    if (mapping.kind !== 'entity' || !changes) continue;
    const keys = [...(changes.updated ?? []).map((row) => row.id as Key), ...(changes.deleted ?? [])];
    entries.push({ mapping, changes, ids: await resolveKeys(run, mapping.name, keys), known: await resolveKeys(run, mapping.name, clientUuids(changes)) });
  }
  const conflicts = await findConflicts(context, run, entries, origin);
  if (conflicts.length > 0 && request.onConflict !== 'return') throw SyncError.conflict(conflicts);
  const response: PushResponse = { mappings: {}, ...(conflicts.length > 0 ? { conflicts } : {}) };
  for (const entry of entries) entry.changes = withoutConflicts(entry, conflicts);
  // Declaration order, each applied before the next is planned: rows may reference rows created
  // earlier in the same push by their uuid.
  for (const entry of entries) {
    const { mapping } = entry;
    const plan = await planMapping(context, run, entry);
    await applyPlan(context, run, plan);
    response.mappings[mapping.name] = plan.result;
  }
  await run('insert into sync_batch (client_id, batch_id, subject, response, created_at) values (?, ?, ?, ?, ?)', [
    request.clientId,
    request.batchId,
    context.subject.id,
    JSON.stringify({ ...response, digest: changesDigest(request) } satisfies StoredBatch),
    context.dialect.timestamp(new Date()),
  ]);
  return response;
}

/**
 * Server ids of rows the client names by server id (digits) or by the uuid it created them with. Digits
 * are never looked up as uuids: a client uuid "6" would otherwise have taken over server row 6.
 */
async function resolveKeys(run: SqlRun, mapping: string, keys: readonly Key[]): Promise<Map<string, string>> {
  const resolved = new Map<string, string>();
  const texts = [...new Set(keys.map(String))];
  const uuids = texts.filter((text) => !isServerId(text));
  for (const part of chunks(uuids)) {
    const rows = await run(`select uuid, row_id from sync_item where mapping = ? and uuid in (${placeholders(part.length)})`, [mapping, ...part]);
    for (const row of rows) resolved.set(String(row.uuid), String(row.row_id));
  }
  for (const text of texts) if (/^\d{1,15}$/.test(text)) resolved.set(text, text);
  return resolved;
}

function isServerId(key: string): boolean {
  return /^\d+$/.test(key);
}

/** The uuids of a push's created rows that may name rows made earlier (digits never do). */
function clientUuids(changes: MappingChanges): string[] {
  return (changes.created ?? []).map((row) => String(row.uuid)).filter((uuid) => !isServerId(uuid));
}

/** What marks a push's changes as its client's own: bound to the user, so no one else can claim a client id. */
function syncOrigin(subject: SyncSubject, clientId: string): string {
  return createHash('sha256').update(`${subject.id}\u0000${clientId}`).digest('base64url');
}

/**
 * Rows changed by someone else since the client's checkpoint, each with the server's row as the
 * client may see it. A create sent again for a row that exists (its uuid is known) updates that row, so
 * it is checked too: since the checkpoint, or without one since the row was made.
 */
async function findConflicts(context: PushContext, run: SqlRun, entries: Entry[], origin: string): Promise<PushConflict[]> {
  const conflicts: PushConflict[] = [];
  // Read once, in the push's transaction, after the first mapping's row locks.
  let horizon: number | undefined;
  for (const { mapping, changes, ids, known } of entries) {
    if (mapping.push?.conflict === 'client-wins') continue;
    const since = context.since(mapping.name);
    if (((changes.updated?.length ?? 0) > 0 || (changes.deleted?.length ?? 0) > 0) && !since)
      throw SyncError.invalidBatch(`send the checkpoint of "${mapping.name}" with updates or deletes of it`);
    const changed = [...new Set(ids.values())];
    const retried = [...known.values()];
    // Racing pushes of a row queue here, so the later one's check below sees the earlier one's change.
    await lockRows(run, context.dialect, mapping, [...changed, ...retried]);
    const from = since ?? { version: 0, id: 0 };
    // A checkpoint behind the pruned log cannot show what changed since it: every row it touches is a
    // conflict (the client gets the server's row and decides), never an overwrite of an unseen change.
    if (since) horizon ??= await readHorizon(run);
    if (since && since.version < (horizon ?? 0)) {
      for (const id of new Set([...changed, ...retried])) conflicts.push({ mapping: mapping.name, id, row: null });
      continue;
    }
    for (const part of chunks([...new Set([...changed, ...retried])])) {
      const rows = await run(
        `select distinct row_id from sync_change where mapping = ? and version >= ? and (version > ? or id > ?) and row_id in (${placeholders(part.length)}) and (origin is null or origin <> ?)`,
        [mapping.name, from.version, from.version, from.id, ...part, origin],
      );
      for (const row of rows) conflicts.push({ mapping: mapping.name, id: String(row.row_id), row: null });
    }
  }
  const reader = new RowReader(run, context.dialect);
  for (const conflict of conflicts) {
    const current = (await reader.byIds(context.mappings.byName.get(conflict.mapping) as ResolvedEntityMapping, [conflict.id])).get(conflict.id);
    conflict.row =
      current && inScope(context.subject, context.mappings.byName.get(conflict.mapping) as ResolvedEntityMapping, current.scope) ? current.row : null;
  }
  return conflicts;
}

/** An entry's changes without the rows that conflict (left out when conflicts are returned, not refused). */
function withoutConflicts({ mapping, changes, ids, known }: Entry, conflicts: readonly PushConflict[]): MappingChanges {
  const conflicted = new Set(conflicts.filter((conflict) => conflict.mapping === mapping.name).map((conflict) => conflict.id));
  if (conflicted.size === 0) return changes;
  const keeps = (id: string | undefined) => id === undefined || !conflicted.has(id);
  return {
    created: changes.created?.filter((row) => keeps(known.get(String(row.uuid)))),
    updated: changes.updated?.filter((row) => keeps(ids.get(String(row.id)))),
    deleted: changes.deleted?.filter((key) => keeps(ids.get(String(key)))),
  };
}

async function planMapping(context: PushContext, run: SqlRun, { mapping, changes, ids, known }: Entry): Promise<MappingPlan> {
  const plan: MappingPlan = { mapping, creates: [], updates: [], deletes: [], result: { newItems: [], failedItems: [] } };
  const created = changes.created ?? [];
  const updated = changes.updated ?? [];
  const scopes = await entityScopes(run, context.dialect, mapping, [...ids.values(), ...known.values()]);
  const visible = (id: string | undefined) => id !== undefined && scopes.has(id) && inScope(context.subject, mapping, scopes.get(id) ?? null);
  for (const row of created) {
    const uuid = String(row.uuid);
    const id = known.get(uuid);
    if (isServerId(uuid)) {
      plan.result.failedItems.push({ uuid, errors: [{ field: 'uuid', message: 'must not be only digits: those name server rows' }] });
      continue;
    }
    // A retried create: the row exists already, so it is an update of that row.
    if (id !== undefined && !visible(id))
      plan.result.failedItems.push({ uuid, errors: [{ field: 'uuid', message: 'is already used by a row you cannot see' }] });
    else await planRow(context, run, plan, row, { uuid, id }, id !== undefined);
  }
  for (const row of updated) {
    const id = ids.get(String(row.id));
    if (!visible(id)) plan.result.failedItems.push({ id: row.id as Key, errors: [{ field: 'id', message: 'does not exist' }] });
    else await planRow(context, run, plan, row, { id }, true);
  }
  plan.deletes = (changes.deleted ?? []).map((key) => ids.get(String(key))).filter((id): id is string => visible(id));
  return plan;
}

/** Validates one row's fields, translates references, checks its scope, and queues it. */
async function planRow(
  context: PushContext,
  run: SqlRun,
  plan: MappingPlan,
  row: Record<string, unknown>,
  key: { uuid?: string; id?: string },
  partial: boolean,
): Promise<void> {
  const { mapping } = plan;
  const schema = mapping.push?.schema as z.ZodType<Record<string, unknown>>;
  const parsed = (partial && schema instanceof z.ZodObject ? schema.partial() : schema).safeParse(row);
  const failed = (errors: FailedItem['errors']) => plan.result.failedItems.push({ ...(key.uuid ? { uuid: key.uuid } : { id: rawKey(key.id) }), errors });
  if (!parsed.success) return void failed(parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'row', message: issue.message })));
  const { data, errors } = await translateReferences(context, run, mapping, parsed.data);
  if (errors.length === 0) errors.push(...(await scopeErrors(context, run, mapping, data)));
  if (errors.length > 0) return void failed(errors);
  (key.id === undefined ? plan.creates : plan.updates).push({ ...key, data });
}

/** Public field values -> property values; references given by uuid or id must exist. */
async function translateReferences(context: PushContext, run: SqlRun, mapping: ResolvedEntityMapping, input: Record<string, unknown>) {
  const data: Record<string, unknown> = {};
  const errors: FailedItem['errors'] = [];
  for (const field of mapping.fields) {
    if (!(field.name in input)) continue;
    const value = input[field.name];
    if (field.kind !== 'reference' && field.kind !== 'collection') data[field.property.name] = value;
    else if (value === null || value === undefined) data[field.property.name] = value;
    else {
      const keys = (Array.isArray(value) ? value : [value]) as Key[];
      const ids = await existingTargets(context, run, field, keys);
      const missing = keys.filter((key) => !ids.has(String(key)));
      if (missing.length > 0) errors.push({ field: field.name, message: `${missing.join(', ')} does not exist` });
      const targets = keys.map((key) => context.em.getReference(field.property.targetMeta?.class as never, rawKey(ids.get(String(key))) as never));
      data[field.property.name] = Array.isArray(value) ? targets : targets[0];
    }
  }
  return { data, errors };
}

async function existingTargets(context: PushContext, run: SqlRun, field: ResolvedField, keys: Key[]): Promise<Map<string, string>> {
  const candidates = field.targetMapping ? await resolveKeys(run, field.targetMapping, keys) : new Map(keys.map((key) => [String(key), String(key)]));
  const meta = field.property.targetMeta;
  const pk = meta?.properties[meta.primaryKeys[0] as never]?.fieldNames[0] as string;
  const existing = new Set<string>();
  for (const part of chunks([...new Set(candidates.values())]))
    for (const row of await run(
      `select ${context.dialect.quote(pk)} as id from ${context.dialect.quote(meta?.tableName as string)} where ${context.dialect.quote(pk)} in (${placeholders(part.length)})`,
      part,
    ))
      existing.add(String(row.id));
  return new Map([...candidates].filter(([, id]) => existing.has(id)));
}

/** A row may only be written into one of the subject's scopes. */
async function scopeErrors(context: PushContext, run: SqlRun, mapping: ResolvedEntityMapping, data: Record<string, unknown>): Promise<FailedItem['errors']> {
  const scope = mapping.scope;
  if (!scope || context.subject.scopes === 'all' || !(scope.firstProperty in data)) return [];
  const value = data[scope.firstProperty];
  const first = value !== null && typeof value === 'object' ? wrap(value, true).getPrimaryKey() : value;
  const scopes = await scopesThrough(run, context.dialect, scope, [first]);
  const target = first === null || first === undefined ? null : (scopes.get(String(first)) ?? null);
  if (target !== null && context.subject.scopes.includes(target)) return [];
  const field = mapping.fields.find((candidate) => candidate.property.name === scope.firstProperty)?.name ?? scope.firstProperty;
  return [{ field, message: 'is outside the scopes you may write to' }];
}

async function applyPlan(context: PushContext, run: SqlRun, plan: MappingPlan): Promise<void> {
  const { em } = context;
  const { mapping } = plan;
  const byId = new Map<string, object>();
  const ids = [...plan.updates.map((row) => row.id as string), ...plan.deletes];
  if (ids.length > 0) {
    const collections = mapping.fields.filter((field) => field.kind === 'collection').map((field) => field.property.name);
    const loaded = await em.find(mapping.meta.class as never, { [mapping.meta.primaryKeys[0] as string]: { $in: ids.map(rawKey) } } as never, {
      populate: collections as never,
    });
    for (const entity of loaded) byId.set(String((entity as Record<string, unknown>)[mapping.meta.primaryKeys[0] as string]), entity);
  }
  const created = plan.creates.map((row) => ({
    row,
    entity: em.create(mapping.meta.class as never, { ...(mapping.push?.defaults?.() ?? {}), ...row.data } as never) as object,
  }));
  for (const row of plan.updates) em.assign(byId.get(row.id as string) as never, row.data as never);
  for (const id of plan.deletes) if (byId.has(id)) em.remove(byId.get(id) as object);
  await em.flush();
  const now = context.dialect.timestamp(new Date());
  for (const { row, entity } of created) {
    const id = String((entity as Record<string, unknown>)[mapping.meta.primaryKeys[0] as string]);
    await run('insert into sync_item (mapping, uuid, row_id, created_at) values (?, ?, ?, ?)', [mapping.name, row.uuid, id, now]);
    plan.result.newItems.push({ uuid: row.uuid as string, id: rawKey(id) });
  }
  for (const row of plan.updates) if (row.uuid) plan.result.newItems.push({ uuid: row.uuid, id: rawKey(row.id) });
}

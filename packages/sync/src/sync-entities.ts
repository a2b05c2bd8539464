import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * One change of one synced row, written in the transaction that made it. `version` orders changes
 * in commit order (see the README's watermark argument per database); `id` breaks ties inside one
 * transaction.
 */
export const SyncChange = defineEntity({
  name: 'SyncChange',
  tableName: 'sync_change',
  properties: {
    // AUTOINCREMENT on SQLite: pruning the newest rows never hands their numbers out again. SQLite
    // reports the column back as `integer`, which MikroORM would otherwise diff against `bigint` forever.
    id: p.bigint('number').primary().autoincrement().ignoreSchemaChanges('type'),
    version: p.bigint('number'),
    mapping: p.string().length(50),
    rowId: p.string().length(100),
    /** The row's scope after the change (before it, for a delete); null for rows everyone syncs. */
    scope: p.string().length(64).nullable(),
    /** The scope the row left in this change: its readers there receive a delete. */
    leftScope: p.string().length(64).nullable(),
    op: p.enum(['upsert', 'delete'] as const),
    /** The client whose push made the change: its own changes are no conflict for it. */
    origin: p.string().length(64).nullable(),
    // No index: only `sync:prune` reads it, rarely, and every writer would pay for one.
    createdAt: p.datetime(3),
  },
  // One index besides the key: every writer pays for each. Pulls, conflict checks and the lag in
  // `summary` all read a range of (mapping, version); only `sync:prune` scans.
  indexes: [{ properties: ['mapping', 'version', 'id'] }],
});
export type SyncChange = InferEntity<typeof SyncChange>;

/** One row: the commit counter of databases that need one (MariaDB, SQLite), and the log's horizon. */
export const SyncClock = defineEntity({
  name: 'SyncClock',
  tableName: 'sync_clock',
  properties: {
    id: p.integer().primary().autoincrement(false),
    /** Last version handed out (MariaDB, SQLite). */
    version: p.bigint('number'),
    /** Changes before this position were pruned: older checkpoints get a reset. */
    horizonVersion: p.bigint('number'),
    /** Identifies this database in checkpoints, so one from another database is refused. */
    databaseId: p.string().length(32),
    /** Signs checkpoints unless the server is given a secret; never leaves the database. */
    secret: p.string().length(64),
  },
});
export type SyncClock = InferEntity<typeof SyncClock>;

/** A row a client created: its client-side uuid, so a retried create is not made twice. */
export const SyncItem = defineEntity({
  name: 'SyncItem',
  tableName: 'sync_item',
  properties: {
    mapping: p.string().length(50).primary(),
    uuid: p.string().length(64).primary(),
    rowId: p.string().length(100),
    createdAt: p.datetime(3),
  },
  indexes: [{ properties: ['mapping', 'rowId'] }],
});
export type SyncItem = InferEntity<typeof SyncItem>;

/** The answer to a push batch, so a replayed batch changes nothing and gets the same answer. */
export const SyncBatch = defineEntity({
  name: 'SyncBatch',
  tableName: 'sync_batch',
  properties: {
    clientId: p.string().length(64).primary(),
    batchId: p.string().length(64).primary(),
    subject: p.string().length(64),
    response: p.json<unknown>().columnType('text'),
    createdAt: p.datetime(3).index(),
  },
});
export type SyncBatch = InferEntity<typeof SyncBatch>;

/** The scopes a subject (user) synced last; a change of them starts a new generation (a reset). */
export const SyncScopeGeneration = defineEntity({
  name: 'SyncScopeGeneration',
  tableName: 'sync_scope_generation',
  properties: {
    subject: p.string().length(64).primary(),
    fingerprint: p.string().length(64),
    generation: p.integer(),
  },
});
export type SyncScopeGeneration = InferEntity<typeof SyncScopeGeneration>;

/** Entities to add to the ORM configuration (and so to the application's migrations). */
export const syncEntities = [SyncChange, SyncClock, SyncItem, SyncBatch, SyncScopeGeneration];

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { ExportRequest } from '../pipeline/export-request.ts';

/**
 * A named export request kept for running again: the same validated `ExportRequest` a task stores, its
 * owner, and who else may see and run it (users holding one of `sharedRoles` in one of their scopes, or
 * using one of `sharedScopes`). Running it never lends the owner's rights: each run is validated for,
 * and limited to, the caller.
 *
 * @example new MikroORM({ entities: [ExportTask, ExportTaskOwner, SavedExport, ...yours] })
 */
export const SavedExport = defineEntity({
  name: 'SavedExport',
  tableName: 'saved_export',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(200),
    description: p.text().nullable(),
    ownerId: p.integer().index(),
    ownerName: p.string().length(100),
    request: p.json<ExportRequest>().columnType('json'),
    sharedRoles: p.json<string[]>().columnType('json'),
    sharedScopes: p.json<string[]>().columnType('json'),
    /** Whether anyone besides the owner may see it: a list reads the caller's own and the shared ones only. */
    shared: p.boolean().default(false).index(),
    /** Bumped by every update; an update names the version it read (optimistic concurrency). */
    version: p.integer().default(1),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});
export type SavedExport = InferEntity<typeof SavedExport>;

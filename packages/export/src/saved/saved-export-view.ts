import { z } from 'zod';
import type { ExportUser } from '../elements/export-context.ts';
import type { SavedExport } from './saved-export-entity.ts';

/**
 * What users see of a saved export (HTTP, UI): the one definition of its shape.
 *
 * @example routes.get('/api/saved-exports/:id', { schema: { response: { 200: savedExportViewSchema } } }, ...)
 */
export const savedExportViewSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  export: z.string(),
  request: z.unknown(),
  owner: z.object({ id: z.number().int(), username: z.string() }),
  sharedRoles: z.array(z.string()),
  sharedScopes: z.array(z.string()),
  /** Whether the viewer owns it, and so may change or delete it. */
  mine: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedExportView = z.infer<typeof savedExportViewSchema>;

/**
 * What `viewer` (who may see it) sees of `saved`.
 *
 * @example reply.send(savedExportView(await service.get(id, user), user));
 */
export function savedExportView(saved: SavedExport, viewer: ExportUser): SavedExportView {
  return {
    id: saved.id,
    name: saved.name,
    description: saved.description ?? null,
    export: saved.request.export,
    request: saved.request,
    owner: { id: saved.ownerId, username: saved.ownerName },
    sharedRoles: saved.sharedRoles,
    sharedScopes: saved.sharedScopes,
    mine: saved.ownerId === viewer.id,
    version: saved.version,
    createdAt: saved.createdAt.toISOString(),
    updatedAt: saved.updatedAt.toISOString(),
  };
}

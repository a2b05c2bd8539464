import { z } from 'zod';

const sharedNames = (what: string) =>
  z
    .array(z.union([z.string().trim().min(1).max(64), z.number().int()]).transform(String))
    .max(100)
    .default([])
    .describe(what);

/** What a saved export is made of, apart from its request (validated by the registry for the caller). */
const savedExportFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2_000).nullable().default(null),
  sharedRoles: sharedNames('Users holding one of these roles in one of their scopes may see and run it'),
  sharedScopes: sharedNames('Users using one of these scopes may see and run it'),
};

/**
 * A new saved export: a name, an optional description, the export request (any `ExportRequest`, checked
 * by `registry.prepare` for the caller) and who else may see and run it.
 *
 * @example savedExportInputSchema.parse({ name: 'Board list', request: { export: 'list_people', formatter: { alias: 'csv_list' } }, sharedRoles: ['EXPORT'] })
 */
export const savedExportInputSchema = z.strictObject({ ...savedExportFields, request: z.unknown() });
export type SavedExportInput = z.input<typeof savedExportInputSchema>;

/**
 * A change of a saved export: any of its fields, and the `version` the caller read. A stale version
 * answers `SAVED_EXPORT_VERSION_CONFLICT`.
 *
 * @example savedExportUpdateSchema.parse({ expectedVersion: 3, name: 'Board list (2026)' })
 */
export const savedExportUpdateSchema = z.strictObject({
  expectedVersion: z.number().int().min(1).max(2_147_483_647),
  name: savedExportFields.name.optional(),
  description: z.string().max(2_000).nullable().optional(),
  sharedRoles: savedExportFields.sharedRoles.unwrap().optional(),
  sharedScopes: savedExportFields.sharedScopes.unwrap().optional(),
  request: z.unknown().optional(),
});
export type SavedExportUpdate = z.input<typeof savedExportUpdateSchema>;

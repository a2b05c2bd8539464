import { z } from 'zod';

/** A field change ready to display. */
export const fieldChangeViewSchema = z.object({
  field: z.string(),
  label: z.string(),
  old: z.string().nullable(),
  new: z.string().nullable(),
  /** e.g. `Status changed from New to Collecting`. */
  text: z.string(),
});
export type FieldChangeView = z.infer<typeof fieldChangeViewSchema>;

/** A collection change ready to display. */
export const collectionChangeViewSchema = z.object({
  field: z.string(),
  label: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  /** e.g. `Products: added TV; removed Mouse`. */
  text: z.string(),
});
export type CollectionChangeView = z.infer<typeof collectionChangeViewSchema>;

/** One entry of an entity's history or of the feed. */
export const historyEntrySchema = z.object({
  revision: z.number().int(),
  /** ISO instant of the revision. */
  at: z.string(),
  /** Who made the change; `id` null marks a system actor. */
  actor: z.object({ id: z.number().int().nullable(), username: z.string() }).nullable(),
  correlationId: z.string().nullable(),
  entity: z.string(),
  entityId: z.string(),
  action: z.enum(['create', 'update', 'delete']),
  changes: z.array(fieldChangeViewSchema),
  collections: z.array(collectionChangeViewSchema),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** An entity as it was at a point in history (all null before it existed and after its deletion). */
export const stateAsOfSchema = z.object({
  revision: z.number().int().nullable(),
  at: z.string().nullable(),
  /** Each tracked field's display value: text, a list of texts for a collection, or null. */
  state: z.record(z.string(), z.unknown()).nullable(),
});
export type StateAsOf = z.infer<typeof stateAsOfSchema>;

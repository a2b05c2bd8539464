import { z } from 'zod';
import { syncKeySchema } from './sync-mapping.ts';

const name = z.string().min(1).max(50);
const clientKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:-]+$/, 'may contain letters, digits, _ . : - only');
const checkpoint = z.string().min(1).max(1024);
const row = z.record(z.string(), z.unknown());

/** `POST pull` body: per mapping, the last checkpoint (null for a first pull). */
export const pullRequestSchema = z.strictObject({
  mappings: z.record(name, checkpoint.nullable()).refine((mappings) => Object.keys(mappings).length > 0, 'must name at least one mapping'),
  limit: z.number().int().min(1).max(1_000).optional(),
});

/** `POST push` body. */
export const pushRequestSchema = z.strictObject({
  clientId: clientKey,
  batchId: clientKey,
  /** What the client last pulled, per mapping: rows changed by others after it are conflicts. */
  checkpoints: z.record(name, checkpoint).default({}),
  changes: z.record(
    name,
    z.strictObject({
      created: z
        .array(row.and(z.object({ uuid: z.string().min(1).max(64) })))
        .max(1_000)
        .default([]),
      updated: z
        .array(row.and(z.object({ id: syncKeySchema })))
        .max(1_000)
        .default([]),
      deleted: z.array(syncKeySchema).max(1_000).default([]),
    }),
  ),
});

const pulledMapping = z.object({
  changes: z.array(row),
  deletes: z.array(z.union([z.string(), z.number()])),
  newItems: z.array(z.object({ uuid: z.string(), id: z.union([z.string(), z.number()]) })),
  checkpoint: z.string(),
  hasMore: z.boolean(),
  reset: z.boolean(),
});

/** `POST pull` answer. */
export const pullResponseSchema = z.object({ mappings: z.record(z.string(), pulledMapping) });

/** `POST push` answer. */
export const pushResponseSchema = z.object({
  mappings: z.record(
    z.string(),
    z.object({
      newItems: z.array(z.object({ uuid: z.string(), id: z.union([z.string(), z.number()]) })),
      failedItems: z.array(
        z.object({
          uuid: z.string().optional(),
          id: z.union([z.string(), z.number()]).optional(),
          errors: z.array(z.object({ field: z.string(), message: z.string() })),
        }),
      ),
    }),
  ),
});

/** `GET summary` answer. */
export const summaryResponseSchema = z.object({
  mappings: z.array(z.object({ name: z.string(), checkpoint: z.string(), latestVersion: z.number().nullable() })),
  watermark: z.object({ version: z.number(), heldBackChanges: z.number(), heldBackSeconds: z.number() }),
});

/** WatermelonDB endpoint query: `last_pulled_at` (absent or 0 on a first sync) and an optional client id. */
/** WatermelonDB's guide builds its URL with `${value}` interpolation, so a missing value arrives as the text `null`. */
const absentAsNull = (value: unknown) => (value === 'null' || value === '' ? undefined : value);

export const watermelonQuerySchema = z.strictObject({
  last_pulled_at: z.preprocess(absentAsNull, z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional()),
  /** The client's schema version and migration, as the guide sends them; accepted, not acted on yet. */
  schema_version: z.preprocess(absentAsNull, z.coerce.number().int().min(0).optional()),
  migration: z.preprocess(absentAsNull, z.string().max(10_000).optional()),
  client_id: clientKey.optional(),
});

const watermelonTable = z.strictObject({
  created: z.array(row.and(z.object({ id: z.string().min(1).max(64) }))).max(1_000),
  updated: z.array(row.and(z.object({ id: z.string().min(1).max(64) }))).max(1_000),
  deleted: z.array(z.string().min(1).max(64)).max(1_000),
});

/**
 * WatermelonDB `pushChanges` body: the guide sends the changes object itself (`JSON.stringify(changes)`);
 * `{changes}` is accepted too. A body whose only key is `changes` is the wrapped form.
 */
export const watermelonPushSchema = z.preprocess(
  (body) => (body !== null && typeof body === 'object' && Object.keys(body).length === 1 && 'changes' in body ? body : { changes: body }),
  z.object({ changes: z.record(name, watermelonTable) }),
);

/** WatermelonDB `pullChanges` answer. */
export const watermelonPullResponseSchema = z.object({
  changes: z.record(z.string(), z.object({ created: z.array(row), updated: z.array(row), deleted: z.array(z.string()) })),
  timestamp: z.number().int().positive(),
  experimentalStrategy: z.literal('replacement').optional(),
});

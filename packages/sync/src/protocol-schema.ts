import { z } from 'zod';
import { type SyncMapping, syncKeySchema } from './sync-mapping.ts';

const name = z.string().min(1).max(50);
const clientKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:-]+$/, 'may contain letters, digits, _ . : - only');
const checkpoint = z.string().min(1).max(8_192);
const row = z.record(z.string(), z.unknown());

const key = z.union([z.string(), z.number()]);
const newItem = z.object({ uuid: z.string(), id: key });

/** `POST pull` body: per mapping, the last checkpoint (null for a first pull). */
export const pullRequestSchema = z.strictObject({
  mappings: z.record(name, checkpoint.nullable()).refine((mappings) => Object.keys(mappings).length > 0, 'must name at least one mapping'),
  limit: z.number().int().min(1).max(1_000).optional(),
  /** Partial sync: only these of your scopes (default: all of them). Changing it moves rows in and out, no reset. */
  scopes: z.array(z.string().min(1).max(64)).max(50).optional(),
  /** Partial sync: per mapping, values of the named parameters it declares (e.g. `{orders: {statuses: ['New']}}`). */
  parameters: z.record(name, z.record(z.string(), z.unknown())).optional(),
});

/**
 * The `parameters` of a pull for these mappings: each declared parameter with its own schema (what
 * OpenAPI shows), anything else let through for the server to answer `SYNC_UNKNOWN_PARAMETER`.
 *
 * @example
 * ```ts
 * syncParametersSchema(mappings).parse({ orders: { statuses: ['New'] } });
 * ```
 */
export function syncParametersSchema(mappings: readonly SyncMapping[]): z.ZodType<Record<string, Record<string, unknown>>> {
  const shape: Record<string, z.ZodType> = {};
  for (const mapping of mappings) {
    if (mapping.kind === 'membership' || !mapping.parameters) continue;
    const declared = Object.entries(mapping.parameters).map(([parameter, { schema }]) => [parameter, schema.optional()]);
    shape[mapping.name] = z.object(Object.fromEntries(declared)).catchall(z.unknown()).optional();
  }
  return z.object(shape).catchall(z.record(z.string(), z.unknown())) as unknown as z.ZodType<Record<string, Record<string, unknown>>>;
}

/**
 * {@link pullRequestSchema} with the parameters these mappings declare (the pull route's body schema).
 *
 * @example
 * ```ts
 * routes.post('/pull', { schema: { body: pullRequestSchemaFor(sync.declaredMappings) } }, handler);
 * ```
 */
export function pullRequestSchemaFor(mappings: readonly SyncMapping[]) {
  return pullRequestSchema.extend({ parameters: syncParametersSchema(mappings).optional() });
}

/** `POST push` body. */
export const pushRequestSchema = z.strictObject({
  clientId: clientKey,
  batchId: clientKey,
  /** What the client last pulled, per mapping: rows changed by others after it are conflicts. */
  checkpoints: z.record(name, checkpoint).default({}),
  /**
   * `reject` (default): any conflict fails the whole push with 409 `SYNC_CONFLICT` and nothing is applied.
   * `return`: conflicting rows are left out and answered in `conflicts` with the server's row, and the
   * rest is applied (RxDB's push contract).
   */
  onConflict: z.enum(['reject', 'return']).default('reject'),
  changes: z.record(
    name,
    z.strictObject({
      /** New rows, each with the client's `uuid`. */
      created: z
        .array(row.and(z.object({ uuid: z.string().min(1).max(64) })))
        .max(1_000)
        .default([]),
      /** Changed rows, each with its `id` (a server id, or the uuid of a row the client created). */
      updated: z
        .array(row.and(z.object({ id: syncKeySchema })))
        .max(1_000)
        .default([]),
      deleted: z.array(syncKeySchema).max(1_000).default([]),
    }),
  ),
});

/** A row as clients receive it: `id` plus the mapping's public fields. */
const syncRow = row.and(z.object({ id: key }));

const pulledMapping = z.object({
  /** Current state of rows that changed (created or updated), latest state only. */
  changes: z.array(syncRow),
  /** Ids of rows deleted, or no longer in the subject's scope. */
  deletes: z.array(key),
  /** Client uuids of rows among `changes` and `deletes` that a client created. */
  newItems: z.array(newItem),
  checkpoint: z.string(),
  /**
   * Pull again with `checkpoint`: there is more, of this mapping or of another of the same pull (every
   * mapping of a pull ends at one watermark, so rows always arrive with the rows they refer to).
   */
  hasMore: z.boolean(),
  /** The client must drop its rows of this mapping first: its checkpoint was too old or its scopes changed. */
  reset: z.boolean(),
});

/** `POST pull` answer. */
export const pullResponseSchema = z.object({ mappings: z.record(z.string(), pulledMapping) });

/** A row that was not applied, with why (field errors). */
const failedItem = z.object({
  uuid: z.string().optional(),
  id: key.optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
});

/** A row someone else changed since the client's checkpoint: the server's row now (null: gone or out of your scopes). */
const conflict = z.object({ mapping: z.string(), id: z.string(), row: z.record(z.string(), z.unknown()).nullable() });

/** `POST push` answer, the same for every replay of its batch. */
export const pushResponseSchema = z.object({
  mappings: z.record(z.string(), z.object({ newItems: z.array(newItem), failedItems: z.array(failedItem) })),
  /** With `onConflict: 'return'`: the rows left out, each with the server's row. */
  conflicts: z.array(conflict).optional(),
});

/** `GET summary` answer. */
export const summaryResponseSchema = z.object({
  mappings: z.array(
    z.object({
      name: z.string(),
      checkpoint: z.string(),
      latestVersion: z.number().nullable(),
      /** The rows of the mapping the caller syncs now: a client synced to the checkpoint holds as many, or has diverged. */
      rows: z.number().int(),
    }),
  ),
  watermark: z.object({
    version: z.number(),
    /** Committed changes a pull cannot hand out yet, because an older transaction is still running. */
    heldBackChanges: z.number(),
    /** Age of the oldest of them, in seconds (0 when none). */
    heldBackSeconds: z.number(),
  }),
});

/** Partial sync: the part of its rows a client asks for (some of its scopes, mappings' named parameters). */
export type SubsetRequest = Pick<z.input<typeof pullRequestSchema>, 'scopes' | 'parameters'>;
/** A pull: per mapping, the checkpoint it last received (null for a first pull). */
export type PullRequest = z.input<typeof pullRequestSchema>;
/** A pull's answer. */
export type PullResponse = z.infer<typeof pullResponseSchema>;
/** What one mapping's pull answers. */
export type MappingPull = z.infer<typeof pulledMapping>;
/** A row as clients receive it. */
export type SyncRow = z.infer<typeof syncRow>;
/** A push: one transaction, replayable by (clientId, batchId); `checkpoints` are what the client last pulled. */
export type PushRequest = z.input<typeof pushRequestSchema>;
/** One mapping's rows in a push. */
export type MappingChanges = PushRequest['changes'][string];
/** A row a push did not apply, with why. */
export type FailedItem = z.infer<typeof failedItem>;
/** A push's answer. */
export type PushResponse = z.infer<typeof pushResponseSchema>;
/** A row a push did not apply because someone else changed it since the client's checkpoint. */
export type PushConflict = z.infer<typeof conflict>;
/** What a push answers per mapping. */
export type MappingPushResult = PushResponse['mappings'][string];
/** What `summary()` answers. */
export type SyncSummary = z.infer<typeof summaryResponseSchema>;

/** WatermelonDB endpoint query: `last_pulled_at` (absent or 0 on a first sync) and an optional client id. */
/** WatermelonDB's guide builds its URL with `${value}` interpolation, so a missing value arrives as the text `null`. */
/** A subset of the caller's scopes in a query string: `1,2`, at most 50 (partial sync). */
export const scopeListSchema = z
  .string()
  .max(3_300)
  .regex(/^[^,]{1,64}(,[^,]{1,64})*$/, 'scopes, comma-separated')
  .transform((text) => text.split(','))
  .pipe(z.array(z.string()).max(50));

const absentAsNull = (value: unknown) => (value === 'null' || value === '' ? undefined : value);

/** WatermelonDB's migration (`migrationsEnabledAtVersion`): the schema version it migrated from, and what it added. */
const watermelonMigration = z.strictObject({
  from: z.number().int().min(1),
  tables: z.array(name).max(1_000),
  columns: z.array(z.strictObject({ table: name, columns: z.array(z.string().min(1).max(100)).max(1_000) })).max(1_000),
});

function jsonText<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .max(100_000)
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const watermelonQuerySchema = z.strictObject({
  last_pulled_at: z.preprocess(absentAsNull, z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional()),
  /** The client's schema version: tables and fields added after it are not sent (mappings' `addedIn`). */
  schema_version: z.preprocess(absentAsNull, z.coerce.number().int().min(1).max(1_000_000).optional()),
  /** The client's migration as JSON (the guide sends `JSON.stringify(migration)`); its added tables and columns come in full. */
  migration: z.preprocess(absentAsNull, jsonText(watermelonMigration.nullable()).optional()),
  client_id: clientKey.optional(),
  /** Partial sync: only these of your scopes, comma-separated (default: all of them). */
  scopes: z.preprocess(absentAsNull, scopeListSchema.optional()),
  /** Partial sync: per mapping, the named parameters it declares, as JSON (`{"orders":{"statuses":["New"]}}`). */
  parameters: z.preprocess(absentAsNull, jsonText(z.record(name, z.record(z.string(), z.unknown()))).optional()),
  /** The `subset` token of the pull that answered `last_pulled_at` (partial sync). */
  subset: z.preprocess(absentAsNull, z.string().min(1).max(8_192).optional()),
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
  /** Partial sync: send it back as `subset` with this `timestamp`, so the next pull knows which rows you hold. */
  subset: z.string().optional(),
});
/** One table's changes in a WatermelonDB push. */
export type WatermelonPushTable = z.infer<typeof watermelonTable>;
/** What WatermelonDB's `pullChanges` must return. */
export type WatermelonPullResult = z.infer<typeof watermelonPullResponseSchema>;
/** One table's changes in a WatermelonDB pull. */
export type WatermelonTableChanges = WatermelonPullResult['changes'][string];

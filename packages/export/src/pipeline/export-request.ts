import { z } from 'zod';

const scope = z.union([z.string().min(1).max(64), z.number().int()]).transform(String);

/** One chosen column of a list: an offered key, and the header to write instead of the export's own. */
export const columnChoiceSchema = z.strictObject({ key: z.string().min(1).max(100), label: z.string().trim().min(1).max(200).optional() });
export type ColumnChoice = z.infer<typeof columnChoiceSchema>;

/**
 * What a UI, the HTTP API, the CLI and the task queue pass around:
 * `{"export":"count_people","scopes":["1","2"],"filters":{...},"aggregators":{...},"formatter":{"alias":"csv","params":{}}}`,
 * a list also `"columns":[{"key":"last_name","label":"Surname"},{"key":"id"}]`.
 */
export const exportRequestSchema = z.strictObject({
  export: z.string().min(1).max(100),
  /** The scopes to export rows of (default: every scope of the user); each needs the roles of every element. */
  scopes: z.array(scope).min(1).max(1_000).optional(),
  filters: z.record(z.string().max(100), z.unknown()).default({}),
  aggregators: z.record(z.string().max(100), z.unknown()).default({}),
  formatter: z.strictObject({ alias: z.string().min(1).max(100), params: z.unknown().default({}) }),
  /** A list's columns, in order, each optionally relabelled (default: the export's default columns). */
  columns: z.array(columnChoiceSchema).min(1).max(500).optional(),
  /** The reader's language (`fr`, `nl-BE`): labels, sentences, headers and the file name (default: the registry's first locale). */
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as fr or nl-BE')
    .max(35)
    .optional(),
});

/** A parsed, not yet validated export request. */
export type ExportRequest = z.output<typeof exportRequestSchema>;

/** Tasks stored before scopes had their name still say `centers`: read them as scopes. */
export function upgradeStoredRequest(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('centers' in body) || 'scopes' in body) return body;
  const { centers, ...rest } = body as { centers: unknown };
  return { ...rest, scopes: centers };
}

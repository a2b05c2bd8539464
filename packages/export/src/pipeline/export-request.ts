import { z } from 'zod';

/**
 * What a UI, the HTTP API, the CLI and the task queue pass around:
 * `{"export":"count_people","centers":[1,2],"filters":{...},"aggregators":{...},"formatter":{"alias":"csv","params":{}}}`.
 */
export const exportRequestSchema = z.strictObject({
  export: z.string().min(1).max(100),
  centers: z.array(z.number().int().positive()).min(1).max(1_000).optional(),
  filters: z.record(z.string().max(100), z.unknown()).default({}),
  aggregators: z.record(z.string().max(100), z.unknown()).default({}),
  formatter: z.strictObject({ alias: z.string().min(1).max(100), params: z.unknown().default({}) }),
});

/** A parsed, not yet validated export request. */
export type ExportRequest = z.output<typeof exportRequestSchema>;

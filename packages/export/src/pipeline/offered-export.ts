import { z } from 'zod';
import { columnTypes } from '../elements/column-type.ts';

/** An element as offered to a user: texts and the JSON Schema of its parameters. */
export const offeredElementSchema = z.object({
  alias: z.string(),
  title: z.string(),
  description: z.string(),
  /** JSON Schema (draft 2020-12) of the element's parameters, titles and labelled choices included. */
  parameters: z.record(z.string(), z.unknown()),
});
export type OfferedElement = z.infer<typeof offeredElementSchema>;

/** A column a list offers; `default` says whether it is written when a request chooses none. */
export const offeredColumnSchema = z.object({ key: z.string(), label: z.string(), type: z.enum(columnTypes), default: z.boolean() });
export type OfferedColumn = z.infer<typeof offeredColumnSchema>;

/** An export as offered, with the filters, aggregators and formatters it can be combined with. */
export const offeredExportSchema = offeredElementSchema.extend({
  type: z.string(),
  kind: z.enum(['tabular', 'list']),
  filters: z.array(offeredElementSchema),
  aggregators: z.array(offeredElementSchema),
  /** With the extension of the files they write, so a client names a download before it has one. */
  formatters: z.array(offeredElementSchema.extend({ extension: z.string() })),
  /** The columns a list offers, in their default order (empty for a tabular export). */
  columns: z.array(offeredColumnSchema),
});
export type OfferedExport = z.infer<typeof offeredExportSchema>;

/** What checking a request answers: the request in sentences, and the formatter's title. */
export const exportCheckSchema = z.object({ description: z.array(z.string()), formatter: z.string() });
export type ExportCheck = z.infer<typeof exportCheckSchema>;

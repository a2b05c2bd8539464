import type { ElementBase } from './element-base.ts';
import type { AnyQueryBuilder, ExportContext } from './export-context.ts';
import type { SelectedExpression } from './export-definition.ts';

/** Groups the rows: adds GROUP BY keys, each with labels resolved in one batch. */
export interface AggregatorDefinition<Params = unknown> extends ElementBase<Params> {
  /** The export type it applies on, e.g. `person`. */
  applyOn: string;
  /** Defaults to the export's role. */
  requiredRole?: string;
  /** The grouping keys it adds (joins it needs go in `prepare`). */
  keys(params: Params, ctx: ExportContext): SelectedExpression[];
  prepare?(qb: AnyQueryBuilder, params: Params, ctx: ExportContext): void;
  /** Labels of all distinct values of `key` (NULL included) at once; the header label is the key's label. */
  labels(key: string, values: readonly unknown[], params: Params, ctx: ExportContext): Promise<Map<unknown, string>> | Map<unknown, string>;
}

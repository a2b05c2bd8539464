import type { ElementBase } from './element-base.ts';
import type { AnyQueryBuilder, ExportContext } from './export-context.ts';

/** Narrows the rows: adds WHERE conditions only (use `whereExists` for to-many relations). */
export interface FilterDefinition<Params = unknown> extends ElementBase<Params> {
  /** The export type it applies on, e.g. `person`. */
  applyOn: string;
  /** Defaults to the export's role. */
  requiredRole?: string;
  apply(qb: AnyQueryBuilder, params: Params, ctx: ExportContext): void;
}

import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { AnyQueryBuilder, ExportContext } from '../elements/export-context.ts';
import type { SelectedExpression } from '../elements/export-definition.ts';
import type { ResultInfo } from '../elements/export-result.ts';
import type { PreparedExport } from './export-registry.ts';

/** An export's query with its filters applied, and what its result will say about itself. */
export interface FilteredQuery {
  em: EntityManager;
  prepared: PreparedExport;
  ctx: ExportContext;
  qb: AnyQueryBuilder;
  info: ResultInfo;
  columns: SelectedExpression[];
}

/** `expression as key` for each column, for a QueryBuilder's select. */
export function selected(expressions: readonly SelectedExpression[]) {
  return expressions.map((column) => raw(`${column.expression} as ${column.key}`));
}

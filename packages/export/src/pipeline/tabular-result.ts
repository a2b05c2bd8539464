import { raw } from '@mikro-orm/core';
import { typedValue } from '../elements/column-type.ts';
import type { TabularResult } from '../elements/export-result.ts';
import { type FilteredQuery, selected } from './filtered-query.ts';

/** Numbers that drivers return as text (PostgreSQL counts, averages) become numbers. */
function numeric(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value) ? Number(value) : value;
}

function compareGroups(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return a < b ? -1 : 1;
}

/**
 * Computed values per group, in one query the database groups (GROUP BY the aggregators' keys), then
 * one batched label look-up per group key. Small: collected in memory, ordered by the groups.
 */
export async function tabularResult(query: FilteredQuery): Promise<TabularResult> {
  const { qb, ctx, columns, prepared } = query;
  const groups = prepared.aggregators.flatMap((aggregator) => {
    aggregator.definition.prepare?.(qb, aggregator.params, ctx);
    return aggregator.definition.keys(aggregator.params, ctx).map((key) => ({ key, aggregator }));
  });
  qb.select(selected([...groups.map((group) => group.key), ...columns]) as never);
  if (groups.length > 0) qb.groupBy(groups.map((group) => raw(group.key.expression)) as never);
  const rows = (await qb.execute<Record<string, unknown>[]>('all', { mapResults: false })).map((row) => {
    const out: Record<string, unknown> = {};
    for (const group of groups) out[group.key.key] = numeric(row[group.key.key] ?? null);
    for (const column of columns) out[column.key] = column.type ? typedValue(column.type, row[column.key], column.precision) : numeric(row[column.key] ?? null);
    return out;
  });
  rows.sort((a, b) => {
    for (const group of groups) {
      const order = compareGroups(a[group.key.key], b[group.key.key]);
      if (order !== 0) return order;
    }
    return 0;
  });
  const labels = new Map<string, Map<unknown, string>>();
  for (const { key, aggregator } of groups) {
    const values = [...new Set(rows.map((row) => row[key.key]))];
    labels.set(key.key, new Map(await aggregator.definition.labels(key.key, values, aggregator.params, ctx)));
  }
  return {
    ...query.info,
    kind: 'tabular',
    // Group values stay raw (labels are looked up by them); their type still reaches the formatters.
    groupColumns: groups.map(({ key, aggregator }) => ({ key: key.key, label: ctx.t(key.label), type: key.type, aggregator: aggregator.definition.alias })),
    valueColumns: columns.map(({ key, label, type }) => ({ key, label, type })),
    rows,
    labels,
  };
}

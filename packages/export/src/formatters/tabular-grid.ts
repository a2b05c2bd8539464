import { z } from 'zod';
import { groupLabel, type ResultInfo, type TabularResult } from '../elements/export-result.ts';

/** Where aggregators go in a tabular layout: as rows (default) or as columns (a pivot), in this order. */
export const pivotSchema = z
  .strictObject({
    rows: z.array(z.string()).default([]),
    columns: z.array(z.string()).default([]),
  })
  .refine((pivot) => !pivot.rows.some((alias) => pivot.columns.includes(alias)), 'an aggregator cannot be both a row and a column');

export type Pivot = z.output<typeof pivotSchema>;

/** Pivot aliases must be aggregators of the request. */
export function checkPivot(pivot: Pivot | undefined, aggregatorAliases: readonly string[]): { path: string; message: string }[] {
  return [...(pivot?.rows ?? []), ...(pivot?.columns ?? [])]
    .filter((alias) => !aggregatorAliases.includes(alias))
    .map((alias) => ({ path: 'pivot', message: `"${alias}" is not an aggregator of this request` }));
}

/** A laid-out table: header rows then body rows; group cells hold labels, value cells raw values. */
export interface Grid {
  header: string[][];
  body: unknown[][];
}

function tupleKey(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

/**
 * Lays a tabular result out. Aggregators named in `pivot.columns` spread across columns (one column
 * per combination of their values and per computed value); the others stay rows, in `pivot.rows`
 * order first, then request order.
 */
export function toGrid(result: TabularResult, pivot: Pivot = { rows: [], columns: [] }): Grid {
  const columnGroups = result.groupColumns.filter((group) => pivot.columns.includes(group.aggregator));
  const ordered = [...pivot.rows, ...result.groupColumns.map((group) => group.aggregator).filter((alias) => !pivot.rows.includes(alias))];
  const rowGroups = ordered.flatMap((alias) => result.groupColumns.filter((group) => group.aggregator === alias && !pivot.columns.includes(alias)));
  const values = result.valueColumns;

  if (columnGroups.length === 0) {
    return {
      header: [[...rowGroups.map((group) => group.label), ...values.map((value) => value.label)]],
      body: result.rows.map((row) => [
        ...rowGroups.map((group) => groupLabel(result, group.key, row[group.key])),
        ...values.map((value) => row[value.key] ?? null),
      ]),
    };
  }

  const columnTuples: unknown[][] = [];
  const seenColumns = new Set<string>();
  const cells = new Map<string, Map<string, Record<string, unknown>>>();
  const rowTuples: unknown[][] = [];
  for (const row of result.rows) {
    const rowTuple = rowGroups.map((group) => row[group.key]);
    const columnTuple = columnGroups.map((group) => row[group.key]);
    const rowId = tupleKey(rowTuple);
    const columnId = tupleKey(columnTuple);
    if (!cells.has(rowId)) {
      cells.set(rowId, new Map());
      rowTuples.push(rowTuple);
    }
    if (!seenColumns.has(columnId)) {
      seenColumns.add(columnId);
      columnTuples.push(columnTuple);
    }
    cells.get(rowId)?.set(columnId, row);
  }
  const header = columnGroups.map((group, level) => [
    ...rowGroups.map((_, index) => (index === rowGroups.length - 1 ? group.label : '')),
    ...columnTuples.flatMap((tuple) => values.map(() => groupLabel(result, group.key, tuple[level]))),
  ]);
  header.push([...rowGroups.map((group) => group.label), ...columnTuples.flatMap(() => values.map((value) => value.label))]);
  const body = rowTuples.map((tuple) => {
    const row = cells.get(tupleKey(tuple));
    return [
      ...rowGroups.map((group, index) => groupLabel(result, group.key, tuple[index])),
      ...columnTuples.flatMap((columnTuple) => values.map((value) => row?.get(tupleKey(columnTuple))?.[value.key] ?? null)),
    ];
  });
  return { header, body };
}

/** Lines above the table when a header block is asked for: title, element sentences, time, user. */
export function headerBlock(info: ResultInfo): string[] {
  // The export's own sentence often is its title ("Count people"): print it once.
  const description = info.description.filter((line, index) => index > 0 || line !== info.title);
  const at = new Intl.DateTimeFormat(info.locale, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(info.generatedAt);
  return [info.title, ...description, info.t('Generated on {{at}}', { at }), info.t('By {{user}}', { user: info.username })];
}

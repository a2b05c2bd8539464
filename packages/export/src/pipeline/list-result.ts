import { raw } from '@mikro-orm/core';
import { paginateQueryBuilder } from '@sluice/pagination';
import { rowTyper } from '../elements/column-type.ts';
import type { ListExportDefinition } from '../elements/export-definition.ts';
import type { ListResult } from '../elements/export-result.ts';
import { type FilteredQuery, selected } from './filtered-query.ts';
import { copyCsvLines, copyTextRecords, defaultCopyChunkRows, isCopyCheckpoint } from './postgres-copy.ts';
import type { RunOptions } from './run-export.ts';

/**
 * A list's rows, streamed page by page with keyset pagination on its row key, so memory stays flat
 * whatever the row count; where the database writes its rows out itself (and the walk can resume from
 * where this one starts), also as its CSV lines or its text records.
 */
export function listResult(query: FilteredQuery, definition: ListExportDefinition, options: RunOptions): ListResult {
  const { em, qb, columns, info } = query;
  const rowKey = definition.rowKey;
  const copySql =
    query.ctx.dialect.copyCsv && rowKey.type !== 'string' && (options.from === undefined || isCopyCheckpoint(options.from))
      ? qb
          .clone()
          .select([...selected(columns), raw(`${rowKey.expression} as sluice_k`)] as never)
          .getFormattedQuery()
      : null;
  qb.select(selected(columns) as never);
  const walk = paginateQueryBuilder(em, qb, { orderings: {}, tiebreaker: { name: 'row', ...rowKey } }, { hydrate: false, walkPrimaryKey: true });
  let read = 0;
  const keys = columns.map((column) => column.key);
  const typed = rowTyper(columns);
  async function* pages(): AsyncGenerator<unknown[][]> {
    let count = 0;
    const walked = walk.iteratePages({
      pageSize: options.pageSize ?? 5_000,
      from: options.from,
      prefetch: true,
      onCheckpoint: (cursor) => options.onCheckpoint?.({ cursor, rows: count }),
    });
    for await (const page of walked) {
      if (options.signal?.aborted) throw options.signal.reason;
      count += page.length;
      read += page.length;
      const cells = page.map((row) => keys.map((key) => (row as Record<string, unknown>)[key] ?? null));
      yield typed ? cells.map(typed) : cells;
    }
  }
  async function* rows(): AsyncGenerator<unknown[]> {
    for await (const page of pages()) yield* page;
  }
  const copySource = copySql && {
    em,
    sql: copySql,
    columns,
    keyColumn: columns.findIndex((column) => column.expression === rowKey.expression),
    from: options.from,
    chunkRows: options.copyChunkRows ?? (options.onCheckpoint ? defaultCopyChunkRows : undefined),
    chunkMs: options.copyChunkMs,
    onCheckpoint: options.onCheckpoint,
    signal: options.signal,
    onRows: (count: number) => {
      read += count;
    },
  };
  return {
    ...info,
    kind: 'list',
    columns: columns.map(({ key, label, type }) => ({ key, label, type })),
    rows: rows(),
    pages: pages(),
    csvLines: copySource ? (format) => copyCsvLines(copySource, format) : undefined,
    databaseText: copySource ? () => copyTextRecords(copySource) : undefined,
    total: () => walk.total(),
    rowsRead: () => read,
  };
}

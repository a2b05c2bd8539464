import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { mikroOrmDialect, paginateQueryBuilder } from '@sluice/pagination';
import { rowTyper, typedValue } from '../elements/column-type.ts';
import type { ExportContext } from '../elements/export-context.ts';
import type { SelectedExpression } from '../elements/export-definition.ts';
import type { PreparedExport } from './export-registry.ts';
import type { ExportResult, ListResult, ResultInfo, TabularResult } from './export-result.ts';
import { copyCsvLines, defaultCopyChunkRows, isCopyCheckpoint } from './postgres-copy.ts';

/** Options of {@link runExport}. */
export interface RunOptions {
  /** Rows per query when streaming a list (default 5,000: measured 20% faster than 1,000 on a 1M-row CSV). */
  pageSize?: number;
  /** Resume a list from this pagination checkpoint (see `@sluice/pagination`). */
  from?: string;
  /** Called after each streamed page with the checkpoint to resume from and the rows so far. */
  onCheckpoint?: (checkpoint: string, rows: number) => void | Promise<void>;
  /**
   * Rows per COPY statement when PostgreSQL writes a CSV list itself (default 250,000 with
   * `onCheckpoint`, else one statement); a checkpoint follows each.
   */
  copyChunkRows?: number;
  /** Sizes each next COPY chunk after `copyChunkRows` to take about this many milliseconds. */
  copyChunkMs?: number;
  /** Stops a streamed list between rows with the signal's reason. */
  signal?: AbortSignal;
  now?: Date;
}

function selected(expressions: readonly SelectedExpression[]) {
  return expressions.map((column) => raw(`${column.expression} as ${column.key}`));
}

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
 * The request in sentences, one per element (export, then filters, then aggregators): what a file's
 * header and a UI show, without running anything.
 *
 * @example describeExport(registry.prepare(request, user)) // ['Number of people', 'Born between …', 'By gender']
 */
export function describeExport(prepared: PreparedExport): string[] {
  return [
    prepared.export.definition.describe(prepared.export.params),
    ...prepared.filters.map((f) => f.definition.describe(f.params)),
    ...prepared.aggregators.map((a) => a.definition.describe(a.params)),
  ];
}

/**
 * Runs a prepared export as one SQL query built by the database (WHERE, GROUP BY), plus one batched
 * label look-up per group key. Tabular results are collected; list results stream page by page with
 * keyset pagination, so memory stays flat whatever the row count.
 */
export async function runExport(prepared: PreparedExport, em: EntityManager, options: RunOptions = {}): Promise<ExportResult> {
  const ctx: ExportContext = { em, user: prepared.user, centers: prepared.centers, dialect: mikroOrmDialect(em) };
  const { definition, params } = prepared.export;
  const qb = definition.initiateQuery(ctx, params);
  for (const filter of prepared.filters) filter.definition.apply(qb, filter.params, ctx);
  const info: ResultInfo = {
    title: definition.title,
    description: describeExport(prepared),
    generatedAt: options.now ?? new Date(),
    username: prepared.user.username,
  };
  const columns = definition.columns(params, ctx);

  if (definition.kind === 'list') {
    const rowKey = definition.rowKey;
    const copySql =
      ctx.dialect === 'postgresql' && rowKey.type !== 'string' && (options.from === undefined || isCopyCheckpoint(options.from))
        ? qb
            .clone()
            .select([...selected(columns), raw(`${rowKey.expression} as sluice_k`)] as never)
            .getFormattedQuery()
        : null;
    qb.select(selected(columns) as never);
    const query = paginateQueryBuilder(em, qb, { orderings: {}, tiebreaker: { name: 'row', ...rowKey } }, { hydrate: false, walkPrimaryKey: true });
    let read = 0;
    const keys = columns.map((column) => column.key);
    const typed = rowTyper(columns);
    async function* pages(): AsyncGenerator<unknown[][]> {
      let count = 0;
      const walk = query.iteratePages({
        pageSize: options.pageSize ?? 5_000,
        from: options.from,
        prefetch: true,
        onCheckpoint: (checkpoint) => options.onCheckpoint?.(checkpoint, count),
      });
      for await (const page of walk) {
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
    const result: ListResult = {
      ...info,
      kind: 'list',
      columns: columns.map(({ key, label, type }) => ({ key, label, type })),
      rows: rows(),
      pages: pages(),
      csvLines: copySql
        ? (format) =>
            copyCsvLines(
              {
                em,
                sql: copySql,
                columns,
                keyColumn: columns.findIndex((column) => column.expression === rowKey.expression),
                from: options.from,
                chunkRows: options.copyChunkRows ?? (options.onCheckpoint ? defaultCopyChunkRows : undefined),
                chunkMs: options.copyChunkMs,
                onCheckpoint: options.onCheckpoint,
                signal: options.signal,
                onRows: (count) => {
                  read += count;
                },
              },
              format,
            )
        : undefined,
      total: () => query.total(),
      rowsRead: () => read,
    };
    return result;
  }

  const groups = prepared.aggregators.flatMap((aggregator) => {
    aggregator.definition.prepare?.(qb, aggregator.params, ctx);
    return aggregator.definition.keys(aggregator.params, ctx).map((key) => ({ key, aggregator }));
  });
  qb.select(selected([...groups.map((group) => group.key), ...columns]) as never);
  if (groups.length > 0) qb.groupBy(groups.map((group) => raw(group.key.expression)) as never);
  const rows = (await qb.execute<Record<string, unknown>[]>('all', { mapResults: false })).map((row) => {
    const out: Record<string, unknown> = {};
    for (const group of groups) out[group.key.key] = numeric(row[group.key.key] ?? null);
    for (const column of columns) out[column.key] = column.type ? typedValue(column.type, row[column.key]) : numeric(row[column.key] ?? null);
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
  const result: TabularResult = {
    ...info,
    kind: 'tabular',
    // Group values stay raw (labels are looked up by them); their type still reaches the formatters.
    groupColumns: groups.map(({ key, aggregator }) => ({ key: key.key, label: key.label, type: key.type, aggregator: aggregator.definition.alias })),
    valueColumns: columns.map(({ key, label, type }) => ({ key, label, type })),
    rows,
    labels,
  };
  return result;
}

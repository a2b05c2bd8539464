import { ErrorNotice, type Page } from '@sluice/react';
import type { ReactNode } from 'react';
import { useApi } from '../components/use-api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { formatMoney } from './format.ts';

type Row = Record<string, unknown> & { id: number };

interface Column {
  key: string;
  label: string;
  /** The `orderBy` name when the API sorts by this column. */
  sort?: string;
  show?: (row: Row) => ReactNode;
  numeric?: boolean;
}

const columns = {
  people: [
    { key: 'id', label: 'Id', numeric: true },
    { key: 'lastName', label: 'Last name', sort: 'lastName' },
    { key: 'firstName', label: 'First name', sort: 'firstName' },
    { key: 'gender', label: 'Gender' },
    { key: 'birthdate', label: 'Born', sort: 'birthdate' },
    { key: 'nationality', label: 'Nationality', sort: 'nationality' },
    { key: 'centerId', label: 'Center', numeric: true },
  ],
  activities: [
    { key: 'id', label: 'Id', numeric: true },
    { key: 'date', label: 'Date', sort: 'date' },
    { key: 'personId', label: 'Person', numeric: true },
    { key: 'typeId', label: 'Type', numeric: true },
    { key: 'durationMinutes', label: 'Minutes', sort: 'durationMinutes', numeric: true },
  ],
  orders: [
    { key: 'id', label: 'Order', numeric: true, show: (row) => <Link to={`/orders/${row.id}`}>#{row.id}</Link> },
    { key: 'status', label: 'Status' },
    { key: 'personId', label: 'Person', numeric: true },
    { key: 'totalPrice', label: 'Total', sort: 'totalPrice', numeric: true, show: (row) => formatMoney(row.totalPrice as number) },
    { key: 'deliveryDate', label: 'Delivery', sort: 'deliveryDate' },
    { key: 'createdAt', label: 'Placed', sort: 'createdAt', show: (row) => new Date(row.createdAt as string).toLocaleString() },
  ],
} satisfies Record<string, Column[]>;

export type ListKind = keyof typeof columns;
export const listKinds = Object.keys(columns) as ListKind[];
const titles: Record<ListKind, string> = { people: 'People', activities: 'Activities', orders: 'Orders' };
const pageSizes = [10, 25, 50, 100];

/**
 * A cursor-paginated list. Cursor, sort and page size live in the URL, so reload, back and forward
 * show the same page; a new sort starts from the first page (a cursor belongs to one ordering).
 */
export function ListPage({ kind }: { kind: ListKind }) {
  const { path, query } = useLocation();
  const limit = Number(query.get('limit') ?? 25);
  const orderBy = query.get('orderBy') ?? '';
  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(query);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    navigate(`${path}?${next}`);
  };
  const api = new URLSearchParams({ limit: String(limit) });
  for (const name of ['after', 'before', 'orderBy']) {
    const value = query.get(name);
    if (value) api.set(name, value);
  }
  const { data, error, loading } = useApi<Page<Row>>(`/api/${kind}?${api}`);
  const sortBy = (name: string) => go({ orderBy: orderBy === name ? `-${name}` : name, after: null, before: null });
  return (
    <section>
      <h1>{titles[kind]}</h1>
      <ErrorNotice error={error} />
      {/* Room for a full page before it arrives: the pager below does not jump when rows come in. */}
      <div className="table-wrap" aria-busy={loading} style={{ minHeight: `calc(${limit + 1} * var(--row) + 2px)` }}>
        <table>
          <thead>
            <tr>
              {columns[kind].map((column: Column) => (
                <th key={column.key} className={column.numeric ? 'num' : undefined} aria-sort={ariaSort(orderBy, column.sort)}>
                  {column.sort ? (
                    <button type="button" className="link" onClick={() => sortBy(column.sort ?? column.key)}>
                      {column.label} {sortMark(orderBy, column.sort)}
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((row) => (
              <tr key={row.id}>
                {columns[kind].map((column: Column) => (
                  <td key={column.key} className={column.numeric ? 'num' : undefined}>
                    {column.show ? column.show(row) : String(row[column.key] ?? '–')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 ? <p className="muted">Nothing here.</p> : null}
      </div>
      <div className="pager">
        <button type="button" disabled={!data?.hasPrevious} onClick={() => data?.previousCursor && go({ before: data.previousCursor, after: null })}>
          ← Previous
        </button>
        <button type="button" disabled={!data?.hasNext} onClick={() => data?.nextCursor && go({ after: data.nextCursor, before: null })}>
          Next →
        </button>
        <label>
          Rows per page{' '}
          <select value={limit} onChange={(event) => go({ limit: event.target.value, after: null, before: null })}>
            {pageSizes.map((size) => (
              <option key={size}>{size}</option>
            ))}
          </select>
        </label>
      </div>
    </section>
  );
}

function sortMark(orderBy: string, name: string | undefined): string {
  if (!name) return '';
  if (orderBy === name) return '▲';
  return orderBy === `-${name}` ? '▼' : '';
}

function ariaSort(orderBy: string, name: string | undefined): 'ascending' | 'descending' | undefined {
  if (!name) return undefined;
  if (orderBy === name) return 'ascending';
  return orderBy === `-${name}` ? 'descending' : undefined;
}

import { ErrorNotice, type LocaleFormat, type Page, useSluice } from '@sluice/react';
import type { ReactNode } from 'react';
import { useApi } from '../components/use-api.ts';
import { type ColumnLabel, useTexts, type WebTexts } from '../language.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { useMe } from '../session.tsx';
import { formatMoney } from './format.ts';

type Row = Record<string, unknown> & { id: number };

/** How cells are shown: the page's locale, and the user's centers by name. */
interface CellContext {
  format: LocaleFormat;
  locale: string;
  genders: WebTexts['genders'];
  statuses: Record<string, string>;
  centerName(id: number): string;
}

interface Column {
  key: string;
  label: ColumnLabel;
  /** The `orderBy` name when the API sorts by this column. */
  sort?: string;
  show?: (row: Row, cell: CellContext) => ReactNode;
  numeric?: boolean;
}

const day = (row: Row, key: string, { format }: CellContext) => (row[key] ? format.day(row[key] as string) : '–');

const columns = {
  people: [
    { key: 'id', label: 'id', numeric: true },
    { key: 'lastName', label: 'lastName', sort: 'lastName' },
    { key: 'firstName', label: 'firstName', sort: 'firstName' },
    { key: 'gender', label: 'gender', show: (row, { genders }) => (row.gender ? (genders[row.gender as keyof typeof genders] ?? String(row.gender)) : '–') },
    { key: 'birthdate', label: 'born', sort: 'birthdate', show: (row, cell) => day(row, 'birthdate', cell) },
    { key: 'nationality', label: 'nationality', sort: 'nationality' },
    { key: 'centerId', label: 'center', show: (row, cell) => cell.centerName(row.centerId as number) },
  ],
  activities: [
    { key: 'id', label: 'id', numeric: true },
    { key: 'date', label: 'date', sort: 'date', show: (row, cell) => day(row, 'date', cell) },
    { key: 'personName', label: 'person' },
    { key: 'typeName', label: 'type' },
    { key: 'durationMinutes', label: 'minutes', sort: 'durationMinutes', numeric: true },
  ],
  orders: [
    { key: 'id', label: 'order', numeric: true, show: (row) => <Link to={`/orders/${row.id}`}>#{row.id}</Link> },
    { key: 'status', label: 'status', show: (row, { statuses }) => statuses[row.status as string] ?? String(row.status) },
    { key: 'personName', label: 'person' },
    { key: 'totalPrice', label: 'total', sort: 'totalPrice', numeric: true, show: (row, { locale }) => formatMoney(row.totalPrice as number, locale) },
    { key: 'deliveryDate', label: 'delivery', sort: 'deliveryDate', show: (row, cell) => day(row, 'deliveryDate', cell) },
    { key: 'createdAt', label: 'placed', sort: 'createdAt', show: (row, { format }) => format.dateTime(row.createdAt as string) },
  ],
} satisfies Record<string, Column[]>;

export type ListKind = keyof typeof columns;
export const listKinds = Object.keys(columns) as ListKind[];
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
  const texts = useTexts();
  const { format, locale } = useSluice();
  const me = useMe();
  const cell: CellContext = {
    format,
    locale,
    genders: texts.genders,
    statuses: texts.order.statuses,
    centerName: (id) => me.scopes.find((scope) => String(scope.id) === String(id))?.name ?? String(id),
  };
  const sortBy = (name: string) => go({ orderBy: orderBy === name ? `-${name}` : name, after: null, before: null });
  return (
    <section>
      <h1>{texts[kind]}</h1>
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
                      {texts.columns[column.label]} {sortMark(orderBy, column.sort)}
                    </button>
                  ) : (
                    texts.columns[column.label]
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
                    {column.show ? column.show(row, cell) : String(row[column.key] ?? '–')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 ? <p className="muted">{texts.nothingHere}</p> : null}
      </div>
      <div className="pager">
        <button type="button" disabled={!data?.hasPrevious} onClick={() => data?.previousCursor && go({ before: data.previousCursor, after: null })}>
          ← {texts.previous}
        </button>
        <button type="button" disabled={!data?.hasNext} onClick={() => data?.nextCursor && go({ after: data.nextCursor, before: null })}>
          {texts.next} →
        </button>
        <label>
          {texts.rowsPerPage}{' '}
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

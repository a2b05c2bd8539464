import type { CommitCounter, Dialect } from '../dialect.ts';
import { divisor, quoteDouble } from './shared-sql.ts';

/** One writer at a time: a counter taken inside the write transaction is commit order. */
const commitCounter: CommitCounter = {
  ensure: async () => {},
  ready: async () => true,
  async next(run, store) {
    const column = quoteDouble(store.column);
    const [row] = await run(`update ${quoteDouble(store.table)} set ${column} = ${column} + 1 where id = ? returning ${column} as v`, [store.rowId]);
    return Number(row?.v);
  },
  watermark: async (run, store) =>
    Number((await run(`select ${quoteDouble(store.column)} + 1 as v from ${quoteDouble(store.table)} where id = ?`, [store.rowId]))[0]?.v ?? 1),
};

const periodFormats = { year: '%Y', month: '%Y-%m', week: '%G-W%V' } as const;

/** SQLite: an embedded file; date-times are epoch milliseconds as MikroORM stores them. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  embedded: true,
  quote: quoteDouble,
  bigintText: (expression) => `CAST(${expression} AS TEXT)`,
  bigintParameter: (placeholder) => `CAST(${placeholder} AS INTEGER)`,
  integer: (expression) => `cast(${expression} as integer)`,
  orderBy: (expression, direction, nullable) => [
    nullable ? { expression, direction, nulls: direction === 'asc' ? 'last' : 'first' } : { expression, direction },
  ],
  // The one writer at a time already holds everything it read.
  forUpdate: '',
  insertIgnore: (into, rows) => `insert into ${into} ${rows} on conflict do nothing`,
  jsonRows: (columns) =>
    `(select ${columns.map((column) => `value ${column.type === 'json' ? '->' : '->>'} '$.${column.name}' as ${quoteDouble(column.name)}`).join(', ')} from json_each(?)) as x`,
  bound: (sql) => sql,
  timestamp: (date) => date.getTime(),
  isolation: () => ({}),
  analyze: () => 'analyze',
  syncSerial: () => null,
  rowEstimate: null,
  keyOrderWalk: null,
  copyCsv: false,
  namedLock: null,
  commitCounter,
  yearsBetween: (from, to) =>
    `(cast(strftime('%Y', ${to}) as integer) - cast(strftime('%Y', ${from}) as integer) - (strftime('%m-%d', ${to}) < strftime('%m-%d', ${from})))`,
  integerDivide: (value, by) => `((${value}) / ${divisor(by)})`,
  period: (date, granularity) => `strftime('${periodFormats[granularity]}', ${date})`,
};

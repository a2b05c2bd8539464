import type { CommitCounter, Dialect } from '../dialect.ts';
import type { SqlRun } from '../sql-run.ts';
import { divisor } from './shared-sql.ts';

const quoteBacktick = (identifier: string) => `\`${identifier.replaceAll('`', '``')}\``;

/**
 * A counter row incremented as the last statement before commit. Its row lock is held until the
 * writer commits, so the next writer gets a higher number only after this one is visible: numbers are
 * handed out in commit order (writers of counted changes take turns between their number and commit).
 */
const commitCounter: CommitCounter = {
  // The row itself is the caller's (it holds more than the counter); nothing else to create.
  ensure: async () => {},
  ready: async () => true,
  async next(run, store) {
    const column = quoteBacktick(store.column);
    await run(`update ${quoteBacktick(store.table)} set ${column} = last_insert_id(${column} + 1) where id = ?`, [store.rowId]);
    // Read back rather than inline: the insert that follows generates ids of its own.
    return Number((await run('select last_insert_id() as v'))[0]?.v);
  },
  watermark: async (run, store) =>
    Number((await run(`select ${quoteBacktick(store.column)} + 1 as v from ${quoteBacktick(store.table)} where id = ?`, [store.rowId]))[0]?.v ?? 1),
};

const periodFormats = { year: '%Y', month: '%Y-%m', week: '%x-W%v' } as const;
const lockSeconds = 300;

async function namedLock(run: SqlRun, name: string): Promise<() => Promise<void>> {
  const [row] = await run('select get_lock(?, ?) as locked', [name, lockSeconds]);
  if (Number(row?.locked) !== 1) throw new Error(`another session held the lock "${name}" for over ${lockSeconds} s`);
  return async () => {
    await run('select release_lock(?)', [name]);
  };
}

/** MariaDB: backtick quotes, no NULLS LAST (sorted on `IS NULL` first), JSON_TABLE, named locks. */
export const mariadbDialect: Dialect = {
  name: 'mariadb',
  embedded: false,
  quote: quoteBacktick,
  // CONCAT with a literal is coercible text: compared with a text column it takes the column's collation
  // (and its index), where CAST(... AS CHAR) clashes with a column of another collation.
  bigintText: (expression) => `CONCAT(${expression}, '')`,
  // Text compared with an integer column compares as a double, losing precision past 2^53.
  bigintParameter: (placeholder) => `CAST(${placeholder} AS SIGNED)`,
  integer: (expression) => `cast(${expression} as signed)`,
  orderBy: (expression, direction, nullable) =>
    nullable
      ? [
          { expression: `(${expression} IS NULL)`, direction },
          { expression, direction },
        ]
      : [{ expression, direction }],
  forUpdate: ' for update',
  insertIgnore: (into, rows) => `insert ignore into ${into} ${rows}`,
  jsonRows: (columns) =>
    `json_table(?, '$[*]' columns (${columns
      .map((column) => `${quoteBacktick(column.name)} ${column.type === 'json' ? 'json' : `varchar(${column.length ?? 255})`} path '$.${column.name}'`)
      .join(', ')})) as x`,
  // Text without a zone: the column holds UTC, whatever the connection's time zone.
  bound: (sql) => sql,
  timestamp: (date) => date.toISOString().replace('T', ' ').replace('Z', ''),
  isolation: (isolationLevel) => ({ isolationLevel }),
  analyze: (tables) => `analyze table ${tables.map(quoteBacktick).join(', ')}`,
  syncSerial: () => null,
  rowEstimate: null,
  keyOrderWalk: {
    indexHint: 'force index (primary)',
    // A join buffer (MariaDB's default for tiny lookup tables) gives up the key order, so each page
    // would sort the rest of the table: join row by row instead.
    statement: (sql) => `SET STATEMENT join_cache_level = 0 FOR ${sql}`,
  },
  copyCsv: false,
  namedLock,
  commitCounter,
  yearsBetween: (from, to) => `timestampdiff(year, ${from}, ${to})`,
  integerDivide: (value, by) => `((${value}) div ${divisor(by)})`,
  period: (date, granularity) => `date_format(${date}, '${periodFormats[granularity]}')`,
};

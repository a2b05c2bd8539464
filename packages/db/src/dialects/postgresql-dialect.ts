import type { CommitCounter, Dialect } from '../dialect.ts';
import { divisor, quoteDouble } from './shared-sql.ts';

/** The advisory lock key (two int4) writers hold from their number to their commit: "sluice", "sync". */
const counterLock = '1936483689, 1937337955';

const sequenceExists = (sequence: string) => `select to_regclass('${sequence}') as s`;

/**
 * A sequence drawn under a transaction-level advisory lock, so one writer at a time holds a number it
 * has not committed, from its number (the last statements before COMMIT) to its commit. Neither reads
 * a snapshot, so REPEATABLE READ writers never fail on it. A reader takes the sequence's last value L
 * first and then looks whether the lock is held: held, the holder's number is L or above, so L is the
 * watermark; free, every number up to L is committed or rolled back, so L + 1 is. Transactions that
 * write nothing counted (an idle `BEGIN; UPDATE center ...`) never take the lock and never hold a
 * reader back; the smallest running transaction id, used before, was held back by any open writer. A
 * reader that meets a writer between its lock and its number reads L although L + 1 would be safe, so
 * two readers in a row may see the watermark go back by one: it only ever errs low.
 */
const commitCounter: CommitCounter = {
  async ensure(run, store, floor) {
    if ((await run(sequenceExists(store.sequence)))[0]?.s) return;
    // Inside a writer's transaction a failed CREATE would abort it: creators queue on the lock instead.
    await run(`select pg_advisory_xact_lock(${counterLock})`);
    if ((await run(sequenceExists(store.sequence)))[0]?.s) return;
    // Releases before the sequence numbered changes with transaction ids: start above those too.
    const [row] = await run('select greatest(?::bigint, pg_current_xact_id()::text::bigint) + 1 as start', [await floor()]);
    try {
      await run(`create sequence if not exists ${store.sequence} as bigint start with ${Number(row?.start)}`);
    } catch (error) {
      // Two processes creating it at once: the loser's CREATE fails on the catalog's unique index.
      if (!(await run(sequenceExists(store.sequence)))[0]?.s) throw error;
    }
  },
  ready: async (run, store) => Boolean((await run(sequenceExists(store.sequence)))[0]?.s),
  async next(run, store) {
    await run(`select pg_advisory_xact_lock(${counterLock})`);
    return Number((await run(`select nextval('${store.sequence}') as v`))[0]?.v);
  },
  async watermark(run, store) {
    const [sequence] = await run(`select last_value, is_called from ${store.sequence}`);
    const last = sequence?.is_called ? Number(sequence.last_value) : Number(sequence?.last_value ?? 1) - 1;
    const [held] = await run(
      `select count(*) as n from pg_locks where locktype = 'advisory' and (classid, objid) = (${counterLock}) and objsubid = 2
         and database = (select oid from pg_database where datname = current_database())`,
    );
    return Number(held?.n) > 0 ? last : last + 1;
  },
};

const periodFormats = { year: 'YYYY', month: 'YYYY-MM', week: 'IYYY-"W"IW' } as const;

/** PostgreSQL: NULLs sort last ascending natively, 64-bit keys compare natively, COPY writes CSV. */
export const postgresqlDialect: Dialect = {
  name: 'postgresql',
  embedded: false,
  quote: quoteDouble,
  bigintText: (expression) => `CAST(${expression} AS TEXT)`,
  bigintParameter: (placeholder) => placeholder,
  integer: (expression) => `cast(${expression} as bigint)`,
  orderBy: (expression, direction) => [{ expression, direction }],
  forUpdate: ' for update',
  insertIgnore: (into, rows) => `insert into ${into} ${rows} on conflict do nothing`,
  jsonRows: (columns) => `json_to_recordset(?::json) as x(${columns.map((column) => `${quoteDouble(column.name)} ${column.type}`).join(', ')})`,
  bound: (sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  },
  timestamp: (date) => date.toISOString(),
  isolation: (isolationLevel) => ({ isolationLevel }),
  analyze: (tables) => `analyze ${tables.map(quoteDouble).join(', ')}`,
  syncSerial: (table, column) =>
    `select setval(pg_get_serial_sequence('${table}', '${column}'), greatest((select max(${quoteDouble(column)}) from ${quoteDouble(table)}), 1))`,
  rowEstimate: {
    statement: (sql) => `explain (format json) ${sql}`,
    rows(result) {
      const plan = result?.['QUERY PLAN'];
      const parsed = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan?: { 'Plan Rows'?: number } }] | undefined;
      const rows = parsed?.[0]?.Plan?.['Plan Rows'];
      return typeof rows === 'number' ? rows : null;
    },
  },
  keyOrderWalk: null,
  copyCsv: true,
  namedLock: async (run, name) => {
    // Released when the transaction ends, whatever happens.
    await run('select pg_advisory_xact_lock(hashtextextended(?, 0))', [name]);
    return async () => {};
  },
  commitCounter,
  yearsBetween: (from, to) => `extract(year from age(cast(${to} as date), ${from}))::int`,
  integerDivide: (value, by) => `((${value}) / ${divisor(by)})`,
  period: (date, granularity) => `to_char(${date}, '${periodFormats[granularity]}')`,
};

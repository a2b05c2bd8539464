import { defineEntity, MikroORM, p } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { createTestDatabase, describeEachDialect, mikroOrmConnection, type TestDatabase } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CounterStore, type Dialect, dialectNamed, dialectNames, rawInstant, type SqlRun } from '../src/index.ts';
import { dialectOf, sqlRunner } from '../src/mikro-orm.ts';

const Thing = defineEntity({
  name: 'DbThing',
  tableName: 'db thing',
  properties: {
    id: p.integer().primary(),
    big: p.bigint('string').nullable(),
    name: p.string().length(40),
    score: p.integer().nullable(),
    at: p.datetime().length(3).nullable(),
    day: p.date().nullable(),
  },
});
const Counter = defineEntity({
  name: 'DbCounter',
  tableName: 'db_counter',
  properties: { id: p.integer().primary(), version: p.bigint('number') },
});

const store: CounterStore = { table: 'db_counter', column: 'version', rowId: 1, sequence: 'db_counter_seq' };

// Every dialect object must behave alike against its real database: one suite, run on each.
describeEachDialect('dialect conformance', (name) => {
  let database: TestDatabase;
  let orm: MikroORM<AbstractSqlDriver, EntityManager>;
  let dialect: Dialect;
  let run: SqlRun;
  const table = () => dialect.quote('db thing');

  beforeAll(async () => {
    database = await createTestDatabase(name);
    orm = (await MikroORM.init({ ...mikroOrmConnection(database), entities: [Thing, Counter], forceUtcTimezone: true })) as MikroORM<
      AbstractSqlDriver,
      EntityManager
    >;
    await orm.schema.create();
    dialect = dialectOf(orm.em);
    run = sqlRunner(orm.em.fork());
    const em = orm.em.fork();
    em.create(Thing, { id: 1, name: 'alpha', score: 3, big: '9007199254740993', at: new Date('2025-01-02T03:04:05.678Z'), day: '1980-02-29' });
    em.create(Thing, { id: 2, name: 'beta', score: null, big: null, at: null, day: '2024-12-31' });
    em.create(Thing, { id: 3, name: 'gamma', score: 1, big: '-9007199254740993', at: new Date('2024-06-30T23:59:59.000Z'), day: '2025-03-01' });
    em.create(Counter, { id: 1, version: 0 });
    await em.flush();
  });
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('is the dialect its name says, told from the ORM as from the name', () => {
    expect(dialect).toBe(dialectNamed(name));
    expect(dialectNames.filter((other) => dialectNamed(other).embedded)).toEqual(['sqlite']);
  });

  it('quotes identifiers with spaces and quote characters', async () => {
    expect(await run(`select count(*) as n from ${table()}`)).toEqual([{ n: expect.anything() }]);
    expect((await run(`select 1 as ${dialect.quote('a "b" `c`')}`))[0]).toEqual({ 'a "b" `c`': 1 });
  });

  it('reads and compares 64-bit integers beyond 2^53 exactly', async () => {
    const rows = await run(`select ${dialect.bigintText('big')} as big from ${table()} where big = ${dialect.bigintParameter('?')}`, ['9007199254740993']);
    expect(rows).toEqual([{ big: '9007199254740993' }]);
    expect(await run(`select id from ${table()} where big < ${dialect.bigintParameter('?')} order by id`, ['-9007199254740992'])).toEqual([{ id: 3 }]);
    expect(Number((await run(`select ${dialect.integer("'42'")} as n`))[0]?.n)).toBe(42);
  });

  it('orders NULLs after every value ascending and before them descending', async () => {
    const ordered = async (direction: 'asc' | 'desc') => {
      const terms = dialect.orderBy('score', direction, true).map((term) => `${term.expression} ${term.direction}${term.nulls ? ` nulls ${term.nulls}` : ''}`);
      return (await run(`select id from ${table()} order by ${terms.join(', ')}`)).map((row) => row.id);
    };
    expect(await ordered('asc')).toEqual([3, 1, 2]);
    expect(await ordered('desc')).toEqual([2, 1, 3]);
  });

  it('skips rows whose key exists with insertIgnore, and locks with forUpdate', async () => {
    await run(dialect.insertIgnore(`${table()} (id, name)`, 'values (?, ?)'), [1, 'duplicate']);
    expect((await run(`select name from ${table()} where id = 1`))[0]?.name).toBe('alpha');
    await orm.em.fork().transactional(async (em) => {
      expect(await sqlRunner(em)(`select id from ${table()} where id = ?${dialect.forUpdate}`, [1])).toEqual([{ id: 1 }]);
    });
  });

  it('unpacks rows of one JSON parameter, text and JSON columns alike', async () => {
    const rows = [
      { t: 'héllo "quoted"', j: { nested: [1, 'two'] } },
      { t: null, j: [] },
    ];
    const read = await run(
      `select x.t, x.j from ${dialect.jsonRows([
        { name: 't', type: 'text' },
        { name: 'j', type: 'json' },
      ])}`,
      [JSON.stringify(rows)],
    );
    expect(read.map((row) => ({ t: row.t, j: typeof row.j === 'string' ? JSON.parse(row.j) : row.j }))).toEqual(rows);
  });

  it('binds parameters as values: quotes, backslashes, question marks and big texts arrive unchanged, in and out of a transaction', async () => {
    const tricky = `it's a \\'test\\' "?" -- ? /* ? */ ${'é'.repeat(100_000)}`;
    const read = async (runner: SqlRun) => (await runner(`select ? as t, ? as n, ? as z from ${table()} where id = ?`, [tricky, 42, null, 1]))[0];
    expect(await read(run)).toEqual({ t: tricky, n: expect.anything(), z: null });
    expect(Number((await read(run))?.n)).toBe(42);
    await orm.em.fork().transactional(async (em) => {
      await sqlRunner(em)(`update ${table()} set name = ? where id = ?`, ['in "one" ?', 2]);
      expect((await read(sqlRunner(em)))?.t).toBe(tricky);
    });
    expect((await run(`select name from ${table()} where id = 2`))[0]?.name).toBe('in "one" ?');
    await run(`update ${table()} set name = ? where id = 2`, ['beta']);
    // Values drivers bind differently (booleans, dates) are formatted by MikroORM, as before.
    expect(await run(`select name from ${table()} where id = ? and ? = ?`, [2, true, true])).toEqual([{ name: 'beta' }]);
  });

  it('sends date-times as the ORM stores them, so the ORM reads them back unchanged', async () => {
    const at = new Date('2031-05-06T07:08:09.123Z');
    await run(`update ${table()} set at = ? where id = 2`, [dialect.timestamp(at)]);
    expect((await orm.em.fork().findOneOrFail(Thing, 2)).at?.toISOString()).toBe(at.toISOString());
    expect(rawInstant((await run(`select at from ${table()} where id = 2`))[0]?.at)?.toISOString()).toBe(at.toISOString());
  });

  it('computes whole years, integer division and calendar periods alike', async () => {
    const [row] = await run(
      `select ${dialect.yearsBetween('day', "'2025-02-28'")} as years, ${dialect.integerDivide('score', 2)} as half,
        ${dialect.period('day', 'year')} as y, ${dialect.period('day', 'month')} as m, ${dialect.period('day', 'week')} as w
       from ${table()} where id = 1`,
    );
    expect({ ...row, years: Number(row?.years), half: Number(row?.half) }).toEqual({ years: 44, half: 1, y: '1980', m: '1980-02', w: '1980-W09' });
    const [week] = await run(`select ${dialect.period('day', 'week')} as w from ${table()} where id = 2`);
    expect(week?.w).toBe('2025-W01');
    expect(() => dialect.integerDivide('score', 0)).toThrow(TypeError);
  });

  it('runs its maintenance statements: analyze, serial sync, row estimate, key-order walk, isolation', async () => {
    await run(dialect.analyze(['db thing']));
    const serial = dialect.syncSerial('db_counter', 'id');
    if (serial) await run(serial);
    const estimate = dialect.rowEstimate;
    if (estimate) expect(estimate.rows((await run(estimate.statement(`select * from ${table()}`)))[0])).toEqual(expect.any(Number));
    const walk = dialect.keyOrderWalk;
    if (walk) expect(await run(walk.statement(`select id from ${table()} ${walk.indexHint} order by id`))).toHaveLength(3);
    expect(dialect.isolation('READ COMMITTED')).toEqual(dialect.embedded ? {} : { isolationLevel: 'READ COMMITTED' });
  });

  it('holds a named lock against a second session until released', async () => {
    const lock = dialect.namedLock;
    if (!lock) return expect(dialect.embedded).toBe(true);
    const order: string[] = [];
    let releaseFirst = () => {};
    const first = orm.em.fork().transactional(async (em) => {
      const release = await lock(sqlRunner(em), 'conformance');
      order.push('first holds');
      await new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      order.push('first releases');
      await release();
    });
    while (order.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = orm.em.fork().transactional(async (em) => {
      const release = await lock(sqlRunner(em), 'conformance');
      order.push('second holds');
      await release();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first holds', 'first releases', 'second holds']);
  });

  it('hands out commit-order numbers: the watermark passes a number only once it is committed', async () => {
    const counter = dialect.commitCounter;
    await counter.ensure(run, store, async () => 0);
    await counter.ensure(run, store, async () => 0);
    expect(await counter.ready(run, store)).toBe(true);
    const before = await counter.watermark(run, store);
    let held = 0;
    let commit = () => {};
    const writer = orm.em.fork().transactional(async (em) => {
      held = await counter.next(sqlRunner(em), store);
      await new Promise<void>((resolve) => {
        commit = resolve;
      });
    });
    while (held === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(held).toBeGreaterThanOrEqual(before);
    // An embedded database has one writer: a reader there waits for nobody and sees the committed state.
    if (!dialect.embedded) expect(await counter.watermark(sqlRunner(orm.em.fork()), store)).toBeLessThanOrEqual(held);
    commit();
    await writer;
    expect(await counter.watermark(run, store)).toBeGreaterThan(held);
  });
});

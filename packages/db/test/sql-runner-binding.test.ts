import { defineEntity, MikroORM, p } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { createTestDatabase, describeEachDialect, mikroOrmConnection, type TestDatabase } from '@sluice/test-utils';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Dialect } from '../src/index.ts';
import { dialectOf, sqlRunner } from '../src/mikro-orm.ts';

// MariaDB's TEXT holds 64 kB; the 1 MB values need LONGTEXT there.
const valueEntity = (name: string) =>
  defineEntity({
    name: 'BindValue',
    tableName: 'bind_value',
    properties: {
      id: p.integer().primary(),
      txt: name === 'mariadb' ? p.text().columnType('longtext').nullable() : p.text().nullable(),
      whole: p.bigint('string').nullable(),
      dbl: p.double().nullable(),
    },
  });

// Values that formatting into SQL text gets wrong when an escape is missed, or that a placeholder
// rewriter may mistake for placeholders.
const tricky = [
  "O'Brien ? $1 \\ 😀",
  "''; drop table bind_value; --",
  '\\',
  '\\\\',
  "\\'",
  '?',
  '??',
  '$1',
  '$2 $1 $$ $$',
  ':name',
  '%s %d',
  '"double"',
  '`back`',
  '\n\r\t',
  '\u2028\u2029',
  'é ß 中文 👩‍👩‍👧',
  '\uFEFF',
  '',
  ' a',
  '0',
  'null',
];

describeEachDialect('sqlRunner binds its values', (name) => {
  let database: TestDatabase;
  let orm: MikroORM<AbstractSqlDriver, EntityManager>;
  let dialect: Dialect;

  beforeAll(async () => {
    database = await createTestDatabase(name);
    orm = (await MikroORM.init({ ...mikroOrmConnection(database), entities: [valueEntity(name)], forceUtcTimezone: true })) as MikroORM<
      AbstractSqlDriver,
      EntityManager
    >;
    await orm.schema.create();
    dialect = dialectOf(orm.em);
  });
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });
  beforeEach(async () => {
    await sqlRunner(orm.em.fork())('delete from bind_value');
  });

  const insert = 'insert into bind_value (id, txt, whole, dbl) values (?, ?, ?, ?)';
  const readBack = async (em: EntityManager, id: number) =>
    (await sqlRunner(em)(`select txt as text, ${dialect.bigintText('whole')} as whole, dbl from bind_value where id = ?`, [id]))[0];

  it('stores and reads back strings that escaping gets wrong, exactly', async () => {
    const run = sqlRunner(orm.em.fork());
    for (const [index, text] of tricky.entries()) await run(insert, [index + 1, text, null, null]);
    const rows = await run('select id, txt as text from bind_value order by id');
    expect(rows.map((row) => row.text)).toEqual(tricky);
    // Values as WHERE parameters find their own row, and only it.
    for (const [index, text] of tricky.entries()) {
      const found = await run('select id from bind_value where txt = ?', [text]);
      expect(
        found.map((row) => Number(row.id)),
        JSON.stringify(text),
      ).toEqual([index + 1]);
    }
  });

  it('binds the placeholders in order, and leaves $1 in a string literal alone', async () => {
    const run = sqlRunner(orm.em.fork());
    const [row] = await run("select '$1' as d, cast(? as char(5)) as a, cast(? as char(6)) as b", ['first', 'second']);
    expect({ ...row }).toEqual({ d: '$1', a: 'first', b: 'second' });
  });

  // MikroORM's execute() leaves a statement without parameters as written (Platform.formatQuery);
  // the PostgreSQL rewrite of ? into $n must too, or text in the SQL changes silently.
  it('runs a statement without parameters as written: a ? in its string literal is text', async () => {
    const run = sqlRunner(orm.em.fork());
    await run("insert into bind_value (id, txt) values (1, 'what?')");
    expect((await run('select txt as text from bind_value where id = 1'))[0]?.text).toBe('what?');
    const [row] = await run("select 'a?b' as q");
    expect(row?.q).toBe('a?b');
  });

  it('binds a parameter the statement gives no type (select ? as a), as MikroORM did', async () => {
    const run = sqlRunner(orm.em.fork());
    const [row] = await run('select ? as a, ? as b', ['first', 2]);
    expect([row?.a, Number(row?.b)]).toEqual(['first', 2]);
  });

  it('round-trips a 1 MB string and a 1 MB string of quotes and backslashes', async () => {
    const run = sqlRunner(orm.em.fork());
    const plain = 'x'.repeat(1 << 20);
    const nasty = "'\\?$1😀".repeat((1 << 20) / 8);
    await run(insert, [1, plain, null, null]);
    await run(insert, [2, nasty, null, null]);
    const rows = await run('select id, txt as text from bind_value order by id');
    expect(rows[0]?.text === plain).toBe(true);
    expect(String(rows[1]?.text).length).toBe(nasty.length);
    expect(rows[1]?.text === nasty).toBe(true);
  });

  it('refuses a NUL rather than storing another value', async () => {
    const run = sqlRunner(orm.em.fork());
    const text = 'a\u0000b';
    let stored: unknown;
    try {
      await run(insert, [1, text, null, null]);
      stored = (await run('select txt as text from bind_value where id = 1'))[0]?.text;
    } catch {
      stored = 'refused';
    }
    expect(['refused', text]).toContain(stored);
  });

  it('binds numbers at the 2^53 edge, negatives, fractions and zero exactly', async () => {
    const run = sqlRunner(orm.em.fork());
    const wholes = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53];
    for (const [index, whole] of wholes.entries()) await run(insert, [index + 1, null, whole, null]);
    const rows = await run(`select ${dialect.bigintText('whole')} as whole from bind_value order by id`);
    expect(rows.map((row) => String(row.whole))).toEqual(wholes.map((whole) => BigInt(whole).toString()));
    const found = await run('select id from bind_value where whole = ?', [Number.MAX_SAFE_INTEGER]);
    expect(found.map((row) => Number(row.id))).toEqual([wholes.indexOf(Number.MAX_SAFE_INTEGER) + 1]);
  });

  it('binds 64-bit integers past 2^53 given as bigint exactly', async () => {
    const run = sqlRunner(orm.em.fork());
    const wholes = [2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (const [index, whole] of wholes.entries()) await run(insert, [index + 1, null, whole, null]);
    const rows = await run(`select ${dialect.bigintText('whole')} as whole from bind_value order by id`);
    expect(rows.map((row) => String(row.whole))).toEqual(wholes.map(String));
    const found = await run('select id from bind_value where whole = ?', [2n ** 53n + 1n]);
    expect(found.map((row) => Number(row.id))).toEqual([1]);
  });

  it('binds doubles exactly', async () => {
    const run = sqlRunner(orm.em.fork());
    const reals = [0.1 + 0.2, -0.5, 1e-300, 1.7976931348623157e308, 5e-324, 123456789.12345679];
    for (const [index, dbl] of reals.entries()) await run(insert, [index + 1, null, null, dbl]);
    const rows = await run('select dbl from bind_value order by id');
    expect(rows.map((row) => Number(row.dbl))).toEqual(reals);
  });

  it('null binds as NULL, not as text', async () => {
    const run = sqlRunner(orm.em.fork());
    await run(insert, [1, null, null, null]);
    const [row] = await run('select txt is null as t, whole is null as w, dbl is null as r from bind_value where id = ?', [1]);
    expect([row?.t, row?.w, row?.r].map((value) => Boolean(Number(value) || value === true))).toEqual([true, true, true]);
  });

  it('runs inside em.transactional(): sees its own rows, and a rollback leaves nothing', async () => {
    const text = "O'Brien ? $1 \\ 😀";
    await orm.em.fork().transactional(async (em) => {
      await sqlRunner(em)(insert, [1, text, 2 ** 53, 0.1]);
      expect(await readBack(em, 1)).toMatchObject({ text, whole: String(2 ** 53) });
    });
    expect((await readBack(orm.em.fork(), 1))?.text).toBe(text);
    await expect(
      orm.em.fork().transactional(async (em) => {
        await sqlRunner(em)(insert, [2, text, 1, 0.1]);
        expect((await readBack(em, 2))?.text).toBe(text);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await readBack(orm.em.fork(), 2)).toBeUndefined();
  });

  it('keeps concurrent statements of many values apart', async () => {
    const em = orm.em.fork();
    await Promise.all(tricky.map((text, index) => sqlRunner(em)(insert, [index + 1, text, index, index / 3])));
    const rows = await sqlRunner(em)('select id, txt as text, dbl from bind_value order by id');
    expect(rows.map((row) => [Number(row.id), row.text, Number(row.dbl)])).toEqual(tricky.map((text, index) => [index + 1, text, index / 3]));
  });
});

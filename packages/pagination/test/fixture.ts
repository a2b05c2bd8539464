import { defineEntity, MikroORM, p } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { type DialectName, dialectNamed } from '@sluice/db';
import { createTestDatabase, mikroOrmConnection, type TestDatabase } from '@sluice/test-utils';
import type { Kysely } from 'kysely';
import { type ConfiguredQuery, type OrderingRequest, type PaginationOptions, paginateKysely, paginateQueryBuilder } from '../src/index.ts';

export const Tag = defineEntity({ name: 'PgTag', tableName: 'pg_tag', properties: { id: p.integer().primary(), label: p.string().length(20) } });

export const Item = defineEntity({
  name: 'PgItem',
  tableName: 'pg_item',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(20),
    score: p.integer().nullable(),
    createdAt: p.datetime(6),
    big: p.bigint('string'),
    tags: () => p.manyToMany(Tag).pivotTable('pg_item_tags'),
  },
});

/** What the fixture knows of each row, to compute expected orders in JavaScript. */
export interface ItemRow {
  id: number;
  name: string;
  score: number | null;
  /** Offset of created_at from a base instant, in the dialect's finest unit (µs; ms on SQLite). */
  tick: number;
  big: bigint;
}

export const rowCount = 24;
const names = ['apple', 'banana', 'cherry', 'date'];
export const bigBase = 9_007_199_254_740_992n; // 2^53: neighbours differ below double precision

export function makeRow(id: number): ItemRow {
  return {
    id,
    name: names[id % 4] as string,
    score: id % 5 === 0 ? null : (id * 7) % 10,
    tick: (id * 5) % 97,
    big: bigBase + BigInt((id * 11) % 31),
  };
}

/** created_at as the dialect stores it: sub-millisecond steps where the database keeps them. */
const createdAtOn: Record<DialectName, (tick: number) => string | number> = {
  sqlite: (tick) => Date.UTC(2024, 0, 1) + tick,
  postgresql: (tick) => `2024-01-01 00:00:00.${String(tick).padStart(6, '0')}+00`,
  mariadb: (tick) => `2024-01-01 00:00:00.${String(tick).padStart(6, '0')}`,
};

function createdAt(dialect: DialectName, tick: number): string | number {
  return createdAtOn[dialect](tick);
}

/** Test database with the pg_item table, plus both adapters over it. */
export interface Fixture {
  dialect: DialectName;
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  database: TestDatabase;
  // biome-ignore lint/suspicious/noExplicitAny: raw table access
  db: Kysely<any>;
  rows: ItemRow[];
  insert(row: ItemRow): Promise<void>;
  remove(id: number): Promise<void>;
  close(): Promise<void>;
}

export async function createFixture(dialect: DialectName): Promise<Fixture> {
  const database = await createTestDatabase(dialect);
  const orm = (await MikroORM.init({ ...mikroOrmConnection(database), entities: [Item, Tag], allowGlobalContext: true, forceUtcTimezone: true })) as MikroORM<
    AbstractSqlDriver,
    EntityManager
  >;
  await orm.schema.create();
  const db = orm.em.getConnection().getClient();
  const rows: ItemRow[] = [];
  const insert = async (row: ItemRow) => {
    await db
      .insertInto('pg_item')
      .values({ id: row.id, name: row.name, score: row.score, created_at: createdAt(dialect, row.tick), big: row.big.toString() })
      .execute();
    rows.push(row);
  };
  for (let id = 1; id <= rowCount; id++) await insert(makeRow(id));
  await db
    .insertInto('pg_tag')
    .values([
      { id: 1, label: 'red' },
      { id: 2, label: 'blue' },
    ])
    .execute();
  // Items 1-8 carry both tags: a JOIN on tags doubles them.
  await db
    .insertInto('pg_item_tags')
    .values(
      Array.from({ length: 8 }, (_, i) => [
        { pg_item_id: i + 1, pg_tag_id: 1 },
        { pg_item_id: i + 1, pg_tag_id: 2 },
      ]).flat(),
    )
    .execute();
  return {
    dialect,
    orm,
    database,
    db,
    rows,
    insert,
    remove: async (id) => {
      await db.deleteFrom('pg_item_tags').where('pg_item_id', '=', id).execute();
      await db.deleteFrom('pg_item').where('id', '=', id).execute();
      rows.splice(
        rows.findIndex((row) => row.id === id),
        1,
      );
    },
    close: async () => {
      await orm.close(true);
      await database.drop();
    },
  };
}

export const orderings: PaginationOptions['orderings'] = {
  name: { expression: 'i.name', type: 'string' },
  score: { expression: 'i.score', type: 'integer', nullable: true },
  createdAt: { expression: 'i.created_at', type: 'timestamp' },
  big: { expression: 'i.big', type: 'bigint' },
};

export type AdapterName = 'mikro-orm' | 'kysely';

/** The public surface of a configured query whose items are ids. */
export type ItemIdQuery = Pick<ConfiguredQuery<never, number>, 'paginate' | 'iterate' | 'iteratePages' | 'orderingNames' | 'total'>;

/** A configured query over pg_item through one adapter; items are reduced to their ids. */
export function itemQuery(fixture: Fixture, adapter: AdapterName, extra: Partial<PaginationOptions> = {}): ItemIdQuery {
  const options: PaginationOptions = { orderings, tiebreaker: { name: 'id', expression: 'i.id', type: 'integer' }, ...extra };
  if (adapter === 'mikro-orm') {
    const em = fixture.orm.em.fork();
    return paginateQueryBuilder(em, em.createQueryBuilder(Item, 'i'), options).withTransformer((item) => (item as { id: number }).id);
  }
  const dialect = dialectNamed(fixture.dialect);
  return paginateKysely(fixture.db, fixture.db.selectFrom('pg_item as i').select(['i.id']), dialect, options).withTransformer((row) =>
    Number((row as { id: number }).id),
  );
}

function compareValues(a: string | number | bigint | null, b: string | number | bigint | null, direction: 'asc' | 'desc'): number {
  if (a === b) return 0;
  // The shared rule: NULL after every value ascending, before every value descending.
  if (a === null) return direction === 'asc' ? 1 : -1;
  if (b === null) return direction === 'asc' ? -1 : 1;
  const order = a < b ? -1 : 1;
  return direction === 'asc' ? order : -order;
}

const fields: Record<string, (row: ItemRow) => string | number | bigint | null> = {
  name: (row) => row.name,
  score: (row) => row.score,
  createdAt: (row) => row.tick,
  big: (row) => row.big,
  id: (row) => row.id,
};

/** Ids of `rows` in the order a pager's `orderBy` defines (tiebreaker id appended). */
export function expectedOrder(rows: readonly ItemRow[], orderBy: readonly OrderingRequest[]): number[] {
  const keys = [...orderBy.map((o) => ({ name: o.name, direction: o.direction ?? 'asc' }))];
  if (!keys.some((key) => key.name === 'id')) keys.push({ name: 'id', direction: keys.at(-1)?.direction ?? 'asc' });
  return [...rows]
    .sort((a, b) => {
      for (const key of keys) {
        const field = fields[key.name] as (row: ItemRow) => string | number | bigint | null;
        const result = compareValues(field(a), field(b), key.direction);
        if (result !== 0) return result;
      }
      return 0;
    })
    .map((row) => row.id);
}

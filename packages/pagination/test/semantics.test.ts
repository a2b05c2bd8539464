import { dialectNamed } from '@sluice/db';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderingRequest, Page } from '../src/index.ts';
import { type AdapterName, createFixture, expectedOrder, type Fixture, Item, type ItemIdQuery, itemQuery, makeRow, rowCount } from './fixture.ts';

const orderBys: OrderingRequest[][] = [
  [],
  [{ name: 'name' }],
  [
    { name: 'name', direction: 'desc' },
    { name: 'createdAt', direction: 'asc' },
  ],
  [{ name: 'score' }],
  [{ name: 'score', direction: 'desc' }],
  [
    { name: 'score', direction: 'asc' },
    { name: 'name', direction: 'desc' },
  ],
  [{ name: 'name' }, { name: 'score', direction: 'desc' }],
  [{ name: 'createdAt', direction: 'desc' }],
  [{ name: 'big' }],
  [{ name: 'id', direction: 'desc' }],
];

const label = (orderBy: OrderingRequest[]) => orderBy.map((o) => `${o.direction === 'desc' ? '-' : ''}${o.name}`).join(',') || '(default)';

/** Follows nextCursor from the first page to the end; checks flags on the way. */
async function walkForward(query: ItemIdQuery, limit: number, orderBy: OrderingRequest[]): Promise<{ ids: number[]; pages: Page<number>[] }> {
  const pages: Page<number>[] = [];
  let page = await query.paginate({ limit, orderBy });
  pages.push(page);
  while (page.hasNext) {
    page = await query.paginate({ limit, orderBy, after: page.nextCursor as string });
    pages.push(page);
    if (pages.length > rowCount * 3) throw new Error('walk does not end');
  }
  return { ids: pages.flatMap((p) => p.items), pages };
}

function suite(dialect: Parameters<typeof createFixture>[0], adapter: AdapterName) {
  let fixture: Fixture;
  let query: ItemIdQuery;
  beforeAll(async () => {
    fixture = await createFixture(dialect);
    query = itemQuery(fixture, adapter);
  });
  afterAll(() => fixture.close());

  describe.each(orderBys.map((orderBy) => [label(orderBy), orderBy] as const))('ordered by %s', (_, orderBy) => {
    it.each([1, 5, 8])('walks forward with limit %i: every row once, exact flags', async (limit) => {
      const expected = expectedOrder(fixture.rows, orderBy);
      const { ids, pages } = await walkForward(query, limit, orderBy);
      expect(ids).toEqual(expected);
      expect(pages).toHaveLength(Math.ceil(expected.length / limit));
      pages.forEach((page, index) => {
        expect(page.hasPrevious, `page ${index} hasPrevious`).toBe(index > 0);
        expect(page.hasNext, `page ${index} hasNext`).toBe(index < pages.length - 1);
        expect(page.totalCount).toBeUndefined();
      });
    });

    it('walks backward with before-cursors, each page in forward order', async () => {
      const expected = expectedOrder(fixture.rows, orderBy);
      const limit = 5;
      const { pages } = await walkForward(query, limit, orderBy);
      let page = pages.at(-1) as Page<number>;
      const collected = [page.items];
      while (page.hasPrevious) {
        page = await query.paginate({ limit, orderBy, before: page.previousCursor as string });
        collected.unshift(page.items);
        if (collected.length > rowCount) throw new Error('walk does not end');
      }
      expect(collected.flat()).toEqual(expected);
      expect(collected[0]).toEqual(expected.slice(0, collected[0]?.length));
      expect(collected.slice(0, -1).every((items) => items.length === limit)).toBe(true);
    });
  });

  it('keeps sub-millisecond timestamps and 64-bit integers exact in cursors (limit 1)', async () => {
    for (const orderBy of [[{ name: 'createdAt' }], [{ name: 'big', direction: 'desc' as const }]]) {
      expect((await walkForward(query, 1, orderBy)).ids).toEqual(expectedOrder(fixture.rows, orderBy));
    }
  });

  it('offset pages: exact flags, cursors to continue, max offset, past the end', async () => {
    const expected = expectedOrder(fixture.rows, [{ name: 'name' }]);
    const page = await query.paginate({ limit: 5, offset: 10, orderBy: [{ name: 'name' }] });
    expect(page.items).toEqual(expected.slice(10, 15));
    expect([page.hasPrevious, page.hasNext]).toEqual([true, true]);
    const next = await query.paginate({ limit: 5, after: page.nextCursor as string, orderBy: [{ name: 'name' }] });
    expect(next.items).toEqual(expected.slice(15, 20));
    const back = await query.paginate({ limit: 5, before: page.previousCursor as string, orderBy: [{ name: 'name' }] });
    expect(back.items).toEqual(expected.slice(5, 10));

    const end = await query.paginate({ limit: 5, offset: rowCount - 5, orderBy: [{ name: 'name' }] });
    expect([end.hasPrevious, end.hasNext]).toEqual([true, false]);

    const past = await query.paginate({ limit: 5, offset: rowCount + 10, orderBy: [{ name: 'name' }] });
    expect(past.items).toEqual([]);
    expect([past.hasPrevious, past.hasNext]).toEqual([true, false]);
    const last = await query.paginate({ limit: 5, before: past.previousCursor as string, orderBy: [{ name: 'name' }] });
    expect(last.items).toEqual(expected.slice(-5));

    await expect(query.paginate({ limit: 5, offset: 10_001 })).rejects.toMatchObject({ code: 'PAGINATION_OFFSET_TOO_LARGE', statusCode: 400 });
  });

  it('inclusive cursors start and end at the row itself', async () => {
    const expected = expectedOrder(fixture.rows, [{ name: 'score' }]);
    const first = await query.paginate({ limit: 3, orderBy: [{ name: 'score' }] });
    const after = await query.paginate({ limit: 3, after: first.nextCursor as string, inclusive: true, orderBy: [{ name: 'score' }] });
    expect(after.items).toEqual(expected.slice(2, 5));
    expect(after.hasPrevious).toBe(true);
    const before = await query.paginate({ limit: 3, before: after.previousCursor as string, inclusive: true, orderBy: [{ name: 'score' }] });
    expect(before.items).toEqual(expected.slice(0, 3));
  });

  it('limit 0 returns cursors and exact flags, no items', async () => {
    const first = await query.paginate({ limit: 4 });
    const zero = await query.paginate({ limit: 0, after: first.nextCursor as string });
    expect(zero.items).toEqual([]);
    expect([zero.hasPrevious, zero.hasNext]).toEqual([true, true]);
    expect(zero.nextCursor).toBe(first.nextCursor);
    const resumed = await query.paginate({ limit: 2, after: zero.nextCursor as string });
    expect(resumed.items).toEqual(expectedOrder(fixture.rows, []).slice(4, 6));
    const atStart = await query.paginate({ limit: 0 });
    expect([atStart.items, atStart.hasPrevious, atStart.hasNext]).toEqual([[], false, true]);
  });

  it('counts only when asked: rows, distinct roots across a to-many join, groups', async () => {
    expect((await query.paginate({ limit: 2, count: true })).totalCount).toBe(fixture.rows.length);
    const em = fixture.orm.em.fork();
    const { paginateQueryBuilder, paginateKysely } = await import('../src/index.ts');
    const joined = paginateQueryBuilder(em, em.createQueryBuilder(Item, 'i').join('i.tags', 't'), { orderings: {} });
    expect((await joined.paginate({ limit: 1, count: true })).totalCount).toBe(8);
    const dialect = dialectNamed(fixture.dialect);
    const grouped = paginateKysely(
      fixture.db,
      fixture.db
        .selectFrom('pg_item as i')
        .select(['i.name'])
        .select((eb) => eb.fn.countAll().as('n'))
        .groupBy('i.name'),
      dialect,
      {
        orderings: {},
        tiebreaker: { name: 'name', expression: 'i.name', type: 'string' },
      },
    );
    const groups = await grouped.paginate({ limit: 3, count: true });
    expect(groups.totalCount).toBe(4);
    expect(groups.items.map((row) => row.name)).toEqual(['apple', 'banana', 'cherry']);
    expect((await grouped.paginate({ limit: 3, after: groups.nextCursor as string })).items.map((row) => row.name)).toEqual(['date']);
  });

  it('totals for progress: a count below the threshold, the planner estimate from it on PostgreSQL', async () => {
    expect(await query.total()).toEqual({ rows: fixture.rows.length, exact: true });
    const planned = await query.total({ exactBelow: 0 });
    if (dialectNamed(fixture.dialect).rowEstimate) expect(planned).toEqual({ rows: expect.any(Number), exact: false });
    else expect(planned).toEqual({ rows: fixture.rows.length, exact: true });
  });

  it('the item transformer never changes cursors', async () => {
    const plain = itemQuery(fixture, adapter);
    const a = await plain.paginate({ limit: 3, offset: 2, orderBy: [{ name: 'name' }] });
    const b = await (plain as unknown as { withTransformer: (f: (id: number) => string) => ItemIdQuery })
      .withTransformer(() => 'x')
      .paginate({
        limit: 3,
        offset: 2,
        orderBy: [{ name: 'name' }],
      });
    expect(b.items).toEqual(['x', 'x', 'x']);
    expect([b.nextCursor, b.previousCursor]).toEqual([a.nextCursor, a.previousCursor]);
  });

  it('loses and repeats nothing when rows are inserted and deleted between pages, the cursor row included', async () => {
    const orderBy = [{ name: 'name' }];
    const survivors = new Set(fixture.rows.map((row) => row.id));
    const seen: number[] = [];
    let page = await query.paginate({ limit: 4, orderBy });
    seen.push(...page.items);
    let nextId = 1_000;
    while (page.hasNext) {
      const cursorRow = page.items.at(-1) as number;
      // Delete the cursor row and a row ahead; insert rows before and after the position.
      const ahead = fixture.rows.find((row) => !seen.includes(row.id) && row.id !== cursorRow);
      await fixture.remove(cursorRow);
      survivors.delete(cursorRow);
      if (ahead) {
        await fixture.remove(ahead.id);
        survivors.delete(ahead.id);
      }
      for (const name of ['apple', 'zebra']) await fixture.insert({ ...makeRow(nextId), id: nextId++, name });
      page = await query.paginate({ limit: 4, orderBy, after: page.nextCursor as string });
      seen.push(...page.items);
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of survivors) expect(seen).toContain(id);
  });

  it('returns a pollable cursor after the last row, which finds rows added later', async () => {
    const orderBy = [{ name: 'createdAt' }];
    const { pages } = await walkForward(query, 50, orderBy);
    const end = await query.paginate({ limit: 10, orderBy, after: pages.at(-1)?.nextCursor as string });
    expect([end.items, end.hasNext, end.hasPrevious]).toEqual([[], false, true]);
    expect(end.nextCursor).toBe(pages.at(-1)?.nextCursor);
    await fixture.insert({ ...makeRow(5_000), tick: 99 });
    const polled = await query.paginate({ limit: 10, orderBy, after: end.nextCursor as string });
    expect(polled.items).toEqual([5_000]);
  });
}

for (const adapter of ['mikro-orm', 'kysely'] as const) {
  describeEachDialect(`pagination semantics (${adapter})`, (dialect) => suite(dialect, adapter));
}

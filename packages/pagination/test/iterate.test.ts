import { countTurns, describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iterateAndFlush, paginateQueryBuilder } from '../src/index.ts';
import { createFixture, expectedOrder, type Fixture, Item, itemQuery, orderings } from './fixture.ts';

describeEachDialect('iterators', (dialect) => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await createFixture(dialect);
  });
  afterAll(() => fixture.close());

  it('yields every row once and reports a checkpoint per page; a walk from a checkpoint yields exactly the rest', async () => {
    for (const adapter of ['mikro-orm', 'kysely'] as const) {
      const query = itemQuery(fixture, adapter);
      const orderBy = [{ name: 'score', direction: 'desc' as const }];
      const expected = expectedOrder(fixture.rows, orderBy);
      const checkpoints: { checkpoint: string; seen: number }[] = [];
      const seen: number[] = [];
      for await (const id of query.iterate({ pageSize: 5, orderBy, onCheckpoint: (checkpoint) => void checkpoints.push({ checkpoint, seen: seen.length }) }))
        seen.push(id);
      expect(seen).toEqual(expected);
      expect(checkpoints.map((c) => c.seen)).toEqual([5, 10, 15, 20, 24]);
      for (const { checkpoint, seen: done } of checkpoints) {
        const rest: number[] = [];
        for await (const id of query.iterate({ pageSize: 7, orderBy, from: checkpoint })) rest.push(id);
        expect(rest).toEqual(expected.slice(done));
      }
    }
  });

  it('lets the event loop turn between pages, so a long walk over a synchronous driver holds up no other work', async () => {
    const turns = countTurns();
    let pages = 0;
    for await (const page of itemQuery(fixture, 'mikro-orm').iteratePages({ pageSize: 3, prefetch: true })) pages += page.length > 0 ? 1 : 0;
    // 24 rows in pages of 3: a turn after each full page (better-sqlite3 gave 0 turns without it).
    const turned = turns.stop();
    expect(pages).toBe(8);
    expect(turned).toBeGreaterThanOrEqual(pages - 1);
  });

  it("reads plain rows with hydrate: 'plain': property names, converted values, nothing in the identity map", async () => {
    const em = fixture.orm.em.fork();
    const query = paginateQueryBuilder(em, em.createQueryBuilder(Item, 'i'), { orderings }, { hydrate: 'plain' });
    const page = await query.paginate({ limit: 3, orderBy: [{ name: 'createdAt' }] });
    expect(page.items).toHaveLength(3);
    const [first] = page.items as unknown as Record<string, unknown>[];
    expect(first).toMatchObject({ id: expect.any(Number), name: expect.any(String) });
    expect(first?.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(first ?? {})).not.toContain('created_at');
    expect(em.getUnitOfWork().getIdentityMap().keys()).toHaveLength(0);
    const next = await query.paginate({ limit: 3, orderBy: [{ name: 'createdAt' }], after: page.nextCursor ?? undefined });
    expect((next.items as unknown as { id: number }[]).map((item) => item.id)).not.toContain(first?.id);
  });

  it('flushes and clears after each page; moving sort keys behind or past the end neither derails nor loops the walk', async () => {
    const em = fixture.orm.em.fork();
    const query = paginateQueryBuilder(em, em.createQueryBuilder(Item, 'i'), { orderings });

    // Every visited item jumps behind the walk's position: nothing is skipped or seen twice.
    const byScore = expectedOrder(fixture.rows, [{ name: 'score' }]);
    const visited: number[] = [];
    let maxIdentityMap = 0;
    for await (const item of iterateAndFlush(em, query, { pageSize: 4, orderBy: [{ name: 'score' }] })) {
      visited.push(item.id);
      item.score = -1_000 - item.id;
      maxIdentityMap = Math.max(maxIdentityMap, em.getUnitOfWork().getIdentityMap().keys().length);
    }
    expect(visited).toEqual(byScore);
    expect(maxIdentityMap).toBeLessThanOrEqual(4);
    const scores = await fixture.db.selectFrom('pg_item').select(['id', 'score']).execute();
    expect(scores.every((row) => Number(row.score) <= -1_000)).toBe(true);

    // The classic "touch updatedAt": every item jumps past the end. The walk ends after one pass.
    const byCreation = expectedOrder(fixture.rows, [{ name: 'createdAt' }]);
    const touched: number[] = [];
    for await (const item of iterateAndFlush(em, query, { pageSize: 5, orderBy: [{ name: 'createdAt' }] })) {
      touched.push(item.id);
      item.createdAt = new Date(Date.UTC(2030, 0, 1, 0, 0, 0, touched.length));
    }
    expect(touched).toEqual(byCreation);
  });
});

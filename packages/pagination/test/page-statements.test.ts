import { dialectNamed } from '@sluice/db';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrderingRequest, paginateQueryBuilder } from '../src/index.ts';
import { type BuildPage, PageStatements } from '../src/page-statements.ts';
import type { PagePlan } from '../src/query-adapter.ts';
import { createFixture, expectedOrder, type Fixture, Item, orderings } from './fixture.ts';

describeEachDialect('page statements compiled once', (dialect) => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await createFixture(dialect);
  });
  afterAll(() => fixture.close());

  /** The items named `name`, a scope whose SQL is the same for every name: pages of all scopes share statements. */
  const scoped = (name: string) => {
    const em = fixture.orm.em.fork();
    const qb = em.createQueryBuilder(Item, 'i').where({ name });
    return paginateQueryBuilder(em, qb, { orderings }, { hydrate: 'plain' }).withTransformer((item) => (item as { id: number }).id);
  };

  it('each scope gets its own rows, forward and backward, in every ordering and direction, from the same statements', async () => {
    const requests: OrderingRequest[][] = Object.keys(orderings).flatMap((name) => [[{ name }], [{ name, direction: 'desc' as const }]]);
    for (const orderBy of [...requests, [{ name: 'score' }, { name: 'name', direction: 'desc' as const }]]) {
      for (const name of ['banana', 'date', 'cherry']) {
        const expected = expectedOrder(
          fixture.rows.filter((row) => row.name === name),
          orderBy,
        );
        const forward: number[] = [];
        let page = await scoped(name).paginate({ limit: 2, orderBy });
        forward.push(...page.items);
        while (page.hasNext) {
          page = await scoped(name).paginate({ limit: 2, orderBy, after: page.nextCursor as string });
          forward.push(...page.items);
        }
        expect(forward).toEqual(expected);
        const backward: number[] = [...page.items];
        while (page.hasPrevious) {
          page = await scoped(name).paginate({ limit: 2, orderBy, before: page.previousCursor as string });
          backward.unshift(...page.items);
        }
        expect(backward).toEqual(expected);
        const atOffset = await scoped(name).paginate({ limit: 2, offset: 3, orderBy });
        expect(atOffset.items).toEqual(expected.slice(3, 5));
      }
    }
  });
});

describeEachDialect('keyed base queries', (dialect) => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await createFixture(dialect);
  });
  afterAll(() => fixture.close());

  /** The items named `name`, keyed by the name: the builder runs only when a page needs it. */
  const keyed = (name: string, builds: { count: number }) => {
    const em = fixture.orm.em.fork();
    const build = () => {
      builds.count++;
      return em.createQueryBuilder(Item, 'i').where({ name });
    };
    return paginateQueryBuilder(em, { key: `items:${name}`, build }, { orderings }, { hydrate: 'plain' }).withTransformer(
      (item) => (item as { id: number }).id,
    );
  };

  it("each key's pages read its own rows, and once its page shapes are compiled its builder no longer runs", async () => {
    const orderBy = [{ name: 'score' }, { name: 'name', direction: 'desc' as const }];
    for (const name of ['banana', 'cherry', 'date']) {
      const builds = { count: 0 };
      const walk = async () => {
        let page = await keyed(name, builds).paginate({ limit: 2, orderBy });
        const ids = [...page.items];
        while (page.hasNext) {
          page = await keyed(name, builds).paginate({ limit: 2, orderBy, after: page.nextCursor as string });
          ids.push(...page.items);
        }
        return ids;
      };
      const expected = expectedOrder(
        fixture.rows.filter((row) => row.name === name),
        orderBy,
      );
      expect(await walk()).toEqual(expected);
      expect(builds.count).toBeGreaterThan(0);
      builds.count = 0;
      expect(await walk()).toEqual(expected);
      expect(builds.count).toBe(0);
    }
  });

  it('a keyed base still counts through its builder', async () => {
    const builds = { count: 0 };
    const page = await keyed('banana', builds).paginate({ limit: 1, count: true });
    expect(page.totalCount).toBe(fixture.rows.filter((row) => row.name === 'banana').length);
  });
});

describe('PageStatements', () => {
  const dialect = dialectNamed('postgresql');
  const plan: PagePlan = {
    keys: [{ name: 'id', expression: 'i.id', type: 'integer', direction: 'asc', nullable: false }],
    condition: ['i.id > ', { value: 5, type: 'integer' }],
    limit: 10,
    offset: 0,
  };
  const base = { sql: 'select * from item i where i.kind = ?', params: ['a'] };

  it('builds once, then binds each page its values after the base query values', () => {
    const statements = new PageStatements();
    let builds = 0;
    const build: BuildPage = (_, parts) => {
      builds++;
      return { sql: `${base.sql} and ${parts.condition?.sql} limit ?`, params: [...base.params, ...(parts.condition?.params ?? []), parts.limit] };
    };
    expect(statements.statement(dialect, base, plan, build)).toEqual({
      sql: 'select * from item i where i.kind = ? and i.id > ? limit ?',
      params: ['a', 5, 10],
    });
    const next = statements.statement(dialect, { ...base, params: ['b'] }, { ...plan, condition: ['i.id > ', { value: 9, type: 'integer' }], limit: 3 }, build);
    expect(next.params).toEqual(['b', 9, 3]);
    expect(builds).toBe(1);
  });

  it('leaves a builder that lays values out otherwise (base values after the page, values inlined) to build every page', () => {
    const having: BuildPage = (_, parts) => ({ sql: 'x', params: [...(parts.condition?.params ?? []), ...base.params, parts.limit] });
    const inlined: BuildPage = (_, parts) => ({ sql: `limit ${parts.limit}`, params: [...base.params] });
    for (const build of [having, inlined]) {
      const statements = new PageStatements();
      const first = statements.statement(dialect, base, plan, build);
      expect(first).toEqual(build(plan, { condition: { sql: 'i.id > ?', params: [5] }, limit: 10, offset: 0 }));
      const again = statements.statement(dialect, base, { ...plan, limit: 4 }, build);
      expect(again).toEqual(build(plan, { condition: { sql: 'i.id > ?', params: [5] }, limit: 4, offset: 0 }));
    }
  });
});

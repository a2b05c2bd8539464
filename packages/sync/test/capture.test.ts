import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { SyncError } from '../src/index.ts';
import { createFixture, type Fixture, mappings, Node, Tag } from './fixture.ts';

describeEachDialect('sync capture', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(dialect);
  });
  afterAll(() => f.close());
  beforeEach(async () => {
    await f.em().getConnection().execute('delete from sync_change');
  });

  async function nodes(...names: string[]): Promise<number[]> {
    const em = f.em();
    const created = names.map((name) => em.create(Node, { name, centerId: 1 }));
    await em.flush();
    await f.em().getConnection().execute('delete from sync_change');
    return created.map((node) => node.id);
  }

  it('marks parents changed, recursively, and stops at a cycle', async () => {
    const [a, b, c] = await nodes('a', 'b', 'c');
    const em = f.em();
    const [na, nb, nc] = await Promise.all([a, b, c].map((id) => em.findOneOrFail(Node, id as number)));
    (na as Node).parent = nb as Node;
    (nb as Node).parent = nc as Node;
    (nc as Node).parent = na as Node;
    await em.flush();
    await f.em().getConnection().execute('delete from sync_change');
    (na as Node).name = 'a2';
    await em.flush();
    // a changed; its parent b, b's parent c, c's parent a (already there): each row once.
    expect((await f.log()).sort()).toEqual([`nodes:${a}:upsert`, `nodes:${b}:upsert`, `nodes:${c}:upsert`].sort());
  });

  it('tells unlinking a membership from deleting the row', async () => {
    const [id] = await nodes('m');
    const em = f.em();
    const node = await em.findOneOrFail(Node, id as number, { populate: ['tags'] });
    node.tags.add(em.getReference(Tag, 1), em.getReference(Tag, 2));
    await em.flush();
    expect((await f.log()).sort()).toEqual([`node_tags:${id}:1:upsert`, `node_tags:${id}:2:upsert`, `nodes:${id}:upsert`].sort());
    await f.em().getConnection().execute('delete from sync_change');
    node.tags.remove(em.getReference(Tag, 1));
    await em.flush();
    expect((await f.log()).sort()).toEqual([`node_tags:${id}:1:delete`, `nodes:${id}:upsert`].sort());
    await f.em().getConnection().execute('delete from sync_change');
    em.remove(node);
    await em.flush();
    expect((await f.log()).sort()).toEqual([`node_tags:${id}:2:delete`, `nodes:${id}:delete`].sort());
    expect(await f.em().getConnection().execute('select * from sy_tag where id = 1')).toHaveLength(1);
  });

  it('reads memberships a set() replaced without loading them from the pivot table', async () => {
    const [id] = await nodes('s');
    const em = f.em();
    const node = await em.findOneOrFail(Node, id as number, { populate: ['tags'] });
    node.tags.set([em.getReference(Tag, 1), em.getReference(Tag, 3)]);
    await em.flush();
    await f.em().getConnection().execute('delete from sync_change');
    const fresh = f.em();
    const unloaded = await fresh.findOneOrFail(Node, id as number);
    unloaded.tags.set([fresh.getReference(Tag, 2)]);
    await fresh.flush();
    expect((await f.log()).filter((row) => row.startsWith('node_tags')).sort()).toEqual(
      [`node_tags:${id}:1:delete`, `node_tags:${id}:2:upsert`, `node_tags:${id}:3:delete`].sort(),
    );
  });

  it('logs nothing for a rolled-back flush, and writes behind the ORM through record()', async () => {
    const [id] = await nodes('r');
    await expect(
      f.em().transactional(async (em) => {
        (await em.findOneOrFail(Node, id as number)).name = 'never';
        await em.flush();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await f.log()).toEqual([]);
    await f.em().transactional(async (em) => {
      await em.nativeUpdate(Node, { id }, { name: 'native' });
      await f.subscriber.record(em, [{ mapping: 'nodes', ids: [id as number], op: 'upsert' }]);
    });
    expect(await f.log()).toEqual([`nodes:${id}:upsert`]);
    await expect(f.subscriber.record(f.em(), [{ mapping: 'nope', ids: [1], op: 'upsert' }])).rejects.toThrow(SyncError);
  });

  it('keeps the flushes of one application transaction until it commits', async () => {
    const [id] = await nodes('t');
    await f.em().transactional(async (em) => {
      const node = await em.findOneOrFail(Node, id as number);
      node.name = 'one';
      await em.flush();
      node.name = 'two';
      await em.flush();
      // Not even inside the transaction: the rows are written right before the commit.
      expect(await em.getConnection().execute('select id from sync_change', [], 'all', em.getTransactionContext())).toEqual([]);
    });
    expect(await f.log()).toEqual([`nodes:${id}:upsert`]);
  });

  it('refuses mappings that do not match the entities', async () => {
    const { resolveMappings } = await import('../src/resolved-mapping.ts');
    const broken = [{ ...mappings[1], scope: 'nowhere' }] as typeof mappings;
    expect(() => resolveMappings(broken, f.orm.getMetadata())).toThrow(/no property "nowhere"/);
  });
});

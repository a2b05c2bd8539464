import type { EntityManager } from '@mikro-orm/sql';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SubsetRequest, SyncSubject } from '../src/index.ts';
import { applyPage, createFixture, type Fixture, mappingNames, Node, type ProtocolClient, protocolClient } from './fixture.ts';

/** What one sync (pulls until nothing has more) brought, per mapping. */
interface Brought {
  changed: Map<string, Set<string>>;
  deleted: Map<string, Set<string>>;
  resets: number;
}

const sorted = (values: Iterable<string>) => [...values].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

describeEachDialect('sync partial (subsets of scopes and parameters)', (dialect) => {
  let f: Fixture;
  let subjectCount = 0;
  beforeAll(async () => {
    f = await createFixture(dialect);
    await f.addNodes(24);
  });
  afterAll(() => f?.close());

  /** A subject of centers 1 and 2 (a new one per test: generations are per subject). */
  const subject = (): SyncSubject => ({ id: `partial-${++subjectCount}`, scopes: ['1', '2'] });

  async function sync(who: SyncSubject, client: ProtocolClient, want: SubsetRequest, limit = 1_000): Promise<Brought> {
    const brought: Brought = { changed: new Map(), deleted: new Map(), resets: client.resets };
    for (let more = true; more; ) {
      const response = await f.server.pull(f.em(), who, { mappings: client.checkpoints, limit, ...want });
      more = false;
      for (const [name, page] of Object.entries(response.mappings)) {
        applyPage(client, name, page);
        for (const row of page.changes) brought.changed.set(name, (brought.changed.get(name) ?? new Set()).add(String(row.id)));
        for (const id of page.deletes) brought.deleted.set(name, (brought.deleted.get(name) ?? new Set()).add(String(id)));
        more ||= page.hasMore;
      }
      // SQLite: let writers in between pages.
      await new Promise(setImmediate);
    }
    brought.resets = client.resets - brought.resets;
    return brought;
  }

  const ids = (client: ProtocolClient, name: string) => sorted((client.rows.get(name) as Map<string, unknown>).keys());
  const nodesIn = async (...centers: number[]) =>
    sorted((await f.sql(`select id from sy_node where center_id in (${centers.join(', ')})`)).map((row) => String(row.id)));
  const notesIn = async (...centers: number[]) =>
    sorted(
      (await f.sql(`select n.id from sy_note n join sy_node d on d.id = n.node_id where d.center_id in (${centers.join(', ')})`)).map((row) => String(row.id)),
    );

  /** What a new client of `want` downloads from scratch: the truth a shifted client must hold, row for row. */
  async function fresh(who: SyncSubject, want: SubsetRequest): Promise<ProtocolClient> {
    const client = protocolClient();
    await sync(who, client, want);
    return client;
  }
  const contents = (client: ProtocolClient) => Object.fromEntries(mappingNames.map((name) => [name, Object.fromEntries(client.rows.get(name) ?? [])]));

  it('syncs one center of two: only its rows', async () => {
    const who = subject();
    const client = protocolClient();
    await sync(who, client, { scopes: ['1'] });
    expect(ids(client, 'nodes')).toEqual(await nodesIn(1));
    expect(ids(client, 'notes')).toEqual(await notesIn(1));
    expect(ids(client, 'tags')).toEqual(['1', '2', '3']);
    expect(ids(client, 'node_tags').map((id) => id.split(':')[0])).toEqual(expect.arrayContaining(await nodesIn(1)));
    expect(ids(client, 'node_tags')).toHaveLength((await nodesIn(1)).length);
  });

  it('widens to both centers: the other center’s rows arrive, none resent, no reset; narrowing back deletes them', async () => {
    const who = subject();
    const client = protocolClient();
    await sync(who, client, { scopes: ['1'] });
    const widened = await sync(who, client, { scopes: ['1', '2'] }, 5);
    expect(widened.resets).toBe(0);
    expect(sorted(widened.changed.get('nodes') ?? [])).toEqual(await nodesIn(2));
    expect(sorted(widened.changed.get('notes') ?? [])).toEqual(await notesIn(2));
    expect(widened.changed.get('tags')).toBeUndefined();
    expect(ids(client, 'nodes')).toEqual(await nodesIn(1, 2));
    expect(contents(client)).toEqual(contents(await fresh(who, { scopes: ['1', '2'] })));
    // Asking for every scope of the subject explicitly or by default is the same rows: nothing moves.
    const same = await sync(who, client, {});
    expect([same.changed.size, same.deleted.size, same.resets]).toEqual([0, 0, 0]);

    const narrowed = await sync(who, client, { scopes: ['1'] }, 5);
    expect(narrowed.resets).toBe(0);
    expect(sorted(narrowed.deleted.get('nodes') ?? [])).toEqual(await nodesIn(2));
    expect(sorted(narrowed.deleted.get('notes') ?? [])).toEqual(await notesIn(2));
    expect(narrowed.changed.size).toBe(0);
    expect(ids(client, 'nodes')).toEqual(await nodesIn(1));
    expect(contents(client)).toEqual(contents(await fresh(who, { scopes: ['1'] })));
  });

  it('narrows by a mapping parameter, and moves rows in and out when it changes or a row stops matching', async () => {
    const who = subject();
    const client = protocolClient();
    const names = (...list: string[]) => ({ parameters: { nodes: { names: list } } });
    await sync(who, client, names('n0', 'n1'));
    const named = async (...list: string[]) =>
      sorted(
        (await f.sql(`select id from sy_node where center_id in (1, 2) and name in (${list.map(() => '?').join(', ')})`, list)).map((row) => String(row.id)),
      );
    expect(ids(client, 'nodes')).toEqual(await named('n0', 'n1'));
    expect(ids(client, 'notes')).toEqual(await notesIn(1, 2));

    const moved = await sync(who, client, names('n1', 'n3'));
    expect(moved.resets).toBe(0);
    expect(sorted(moved.deleted.get('nodes') ?? [])).toEqual(await named('n0'));
    expect(sorted(moved.changed.get('nodes') ?? [])).toEqual(await named('n3'));
    expect(contents(client)).toEqual(contents(await fresh(who, names('n1', 'n3'))));

    // A row renamed out of the parameter's values leaves; one renamed into them enters.
    const [out] = await named('n1');
    const [into] = await named('n4');
    await f.em().transactional(async (em: EntityManager) => {
      (await em.findOneOrFail(Node, Number(out))).name = 'n1-renamed';
      (await em.findOneOrFail(Node, Number(into))).name = 'n3';
    });
    const followed = await sync(who, client, names('n1', 'n3'));
    expect(followed.deleted.get('nodes')).toEqual(new Set([out]));
    expect(followed.changed.get('nodes')).toEqual(new Set([into]));
    expect(contents(client)).toEqual(contents(await fresh(who, names('n1', 'n3'))));

    // A parameter through a many-to-one (the parent's name), and scopes with it.
    const [parent] = await named('n3');
    const [child] = await nodesIn(1);
    await f.sql('update sy_node set parent_id = ? where id = ?', [Number(parent), Number(child)]);
    await f.em().transactional(async (em: EntityManager) => {
      (await em.findOneOrFail(Node, Number(child))).name = 'child';
    });
    const byParent = { scopes: ['1'], parameters: { nodes: { parent_names: ['n3'] } } };
    await sync(who, client, byParent);
    expect(ids(client, 'nodes')).toEqual([child]);
    expect(contents(client)).toEqual(contents(await fresh(who, byParent)));
  });

  it('reads the log in the scopes it left: a row that moved out of them before the narrowing is deleted too', async () => {
    const who = subject();
    const client = protocolClient();
    await sync(who, client, {});
    const [wanderer] = await nodesIn(2);
    // After the client's checkpoint, before it narrows: no longer in center 2, so not among center 2's rows.
    await f.em().transactional(async (em: EntityManager) => {
      (await em.findOneOrFail(Node, Number(wanderer))).centerId = 3;
    });
    const narrowed = await sync(who, client, { scopes: ['1'] });
    expect(narrowed.deleted.get('nodes')).toContain(wanderer);
    expect(ids(client, 'nodes')).toEqual(await nodesIn(1));
    expect(contents(client)).toEqual(contents(await fresh(who, { scopes: ['1'] })));
  });

  it('refuses a subset outside the subject’s scopes, unknown and invalid parameters, and a forged checkpoint subset', async () => {
    const who = subject();
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: { code?: string; statusCode?: number }) => `${error.statusCode} ${error.code}`,
      );
    expect(await code(f.server.pull(f.em(), who, { mappings: { nodes: null }, scopes: ['1', '3'] }))).toBe('403 SYNC_SCOPE_NOT_ALLOWED');
    expect(await code(f.server.pull(f.em(), who, { mappings: { nodes: null }, parameters: { nodes: { colour: ['red'] } } }))).toBe(
      '400 SYNC_UNKNOWN_PARAMETER',
    );
    expect(await code(f.server.pull(f.em(), who, { mappings: { nodes: null }, parameters: { tags: { names: ['red'] } } }))).toBe('400 SYNC_UNKNOWN_PARAMETER');
    expect(await code(f.server.pull(f.em(), who, { mappings: { nodes: null }, parameters: { nodes: { names: 'n1' } } }))).toBe('400 SYNC_INVALID_PARAMETER');
    expect(await code(f.server.pull(f.em(), who, { mappings: { nodes: null }, parameters: { nowhere: {} } }))).toBe('400 SYNC_UNKNOWN_MAPPING');

    // A client of center 1 rewrites its checkpoint to claim it holds center 2 too (so a widening would skip them).
    const client = protocolClient(['nodes']);
    await sync(who, client, { scopes: ['1'] });
    const [body, signature] = String(client.checkpoints.nodes).split('.');
    const payload = JSON.parse(Buffer.from(body as string, 'base64url').toString());
    expect(payload.f).toEqual([['1'], null]);
    payload.f = [['1', '2'], null];
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    expect(await code(f.server.pull(f.em(), who, { mappings: { nodes: forged }, scopes: ['1', '2'] }))).toBe('400 SYNC_INVALID_CHECKPOINT');
  });

  it('pokes a live listener of a subset for changes in its scopes only, and refuses scopes not the subject’s', async () => {
    const who = subject();
    const since = await f.server.watermark(f.em());
    const em = f.em();
    em.create(Node, { name: 'live in 2', centerId: 2 });
    await em.flush();
    // Resuming from before the change: a listener of center 2 is poked at once, one of center 1 not at all.
    const pokes = { one: [] as string[][], two: [] as string[][] };
    const one = await f.server.listen(who, { since, scopes: ['1'] }, (_, mappings) => void pokes.one.push(mappings));
    const two = await f.server.listen(who, { since, scopes: ['2'] }, (_, mappings) => void pokes.two.push(mappings));
    one.stop();
    two.stop();
    expect(pokes.two).toEqual([['nodes']]);
    expect(pokes.one).toEqual([]);
    expect(() => f.server.listen(who, { scopes: ['3'] }, () => {})).toThrow(expect.objectContaining({ code: 'SYNC_SCOPE_NOT_ALLOWED' }));
  });

  it('misses no change that commits while the client widens and narrows', async () => {
    const who = subject();
    const client = protocolClient();
    await sync(who, client, { scopes: ['1'] });
    let written = 0;
    const movers = (await nodesIn(2, 3)).map(Number);
    const writers = Array.from({ length: 3 }, async (_, writer) => {
      for (let n = 0; n < 20; n++) {
        await f.em().transactional(async (em: EntityManager) => {
          em.create(Node, { name: `w${writer}-${n}`, centerId: 1 + (n % 3) });
          // Rows moving between a center the client enters or leaves and one it never syncs.
          const mover = await em.findOneOrFail(Node, movers[(writer * 7 + n) % movers.length] as number);
          mover.centerId = mover.centerId === 3 ? 2 : 3;
          mover.name = `moved by w${writer}-${n}`;
        });
        written += 1;
        await new Promise(setImmediate);
      }
    });
    const shifts = [['1', '2'], ['1'], ['1', '2'], ['2'], ['1', '2']];
    let writing = true;
    const done = Promise.all(writers).finally(() => {
      writing = false;
    });
    // Shift subsets, a few rows per page, for as long as the writers write (and at least once each way).
    for (let round = 0; writing || round < shifts.length; round++) {
      const brought = await sync(who, client, { scopes: shifts[round % shifts.length] }, 4);
      expect(brought.resets).toBe(0);
    }
    await done;
    expect(written).toBe(60);
    await sync(who, client, { scopes: ['1', '2'] });
    expect(ids(client, 'nodes')).toEqual(await nodesIn(1, 2));
    expect(contents(client)).toEqual(contents(await fresh(who, { scopes: ['1', '2'] })));
  });
});

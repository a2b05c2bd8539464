import type { EntityManager } from '@mikro-orm/sql';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pruneSyncLog, SyncServer, type SyncSubject } from '../src/index.ts';
import { pullMapping } from '../src/pull.ts';
import {
  applyPage,
  createFixture,
  type Fixture,
  mappingNames,
  mappings,
  Node,
  Note,
  type ProtocolClient,
  protocolClient,
  pullUntilDone,
  Tag,
} from './fixture.ts';

/** Alice syncs centers 1 and 2; center 3 is someone else's. */
const alice: SyncSubject = { id: 'alice', scopes: ['1', '2'] };

describeEachDialect('sync protocol', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(dialect);
    await f.addNodes(45);
  });
  afterAll(() => f?.close());

  const ids = async (text: string, params: unknown[] = []) => (await f.sql(text, params)).map((row) => Number(row.id));

  /** What alice should hold: the server's rows of her centers, in the shape of the client's. */
  async function serverState() {
    const nodes = await f.sql('select id, name, center_id from sy_node where center_id in (1, 2)');
    const notes = await ids('select n.id from sy_note n join sy_node d on d.id = n.node_id where d.center_id in (1, 2)');
    const memberships = await f.sql(
      'select t.sy_node_id as n, t.sy_tag_id as t from sy_node_tags t join sy_node d on d.id = t.sy_node_id where d.center_id in (1, 2)',
    );
    return {
      nodes: new Map(nodes.map((row) => [String(row.id), `${row.name}@${row.center_id}`])),
      notes: new Set(notes.map(String)),
      node_tags: new Set(memberships.map((row) => `${row.n}:${row.t}`)),
      tags: new Set(['1', '2', '3']),
    };
  }

  function clientState(client: ProtocolClient) {
    const rows = (name: string) => client.rows.get(name) ?? new Map<string, Record<string, unknown>>();
    return {
      nodes: new Map([...rows('nodes')].map(([id, row]) => [id, `${row.name}@${row.center_id}`])),
      notes: new Set(rows('notes').keys()),
      node_tags: new Set(rows('node_tags').keys()),
      tags: new Set(rows('tags').keys()),
    };
  }

  async function synced(subject = alice): Promise<ProtocolClient> {
    const client = protocolClient();
    await pullUntilDone(f, subject, client, 25);
    return client;
  }

  it('downloads exactly the rows of the subject’s scopes, paged, then follows the log', async () => {
    const client = protocolClient();
    // 45 nodes, 30 of them alice's: several snapshot pages of 7 per mapping, then the log.
    expect(await pullUntilDone(f, alice, client, 7)).toBeGreaterThan(4);
    expect(clientState(client)).toEqual(await serverState());
    const node = [...(client.rows.get('nodes')?.values() ?? [])][0] as Record<string, unknown>;
    expect(Object.keys(node).sort()).toEqual(['center_id', 'id', 'name', 'parent_id', 'tag_ids']);
    expect(client.rows.get('node_tags')?.get(`${node.id}:${(node.tag_ids as number[])[0]}`)).toEqual({
      id: `${node.id}:${(node.tag_ids as number[])[0]}`,
      node_id: node.id,
      tag_id: (node.tag_ids as number[])[0],
    });
    // Nothing changed: the next pull is empty and says so.
    const again = await f.server.pull(f.em(), alice, { mappings: client.checkpoints });
    for (const name of mappingNames) expect(again.mappings[name]).toMatchObject({ changes: [], deletes: [], hasMore: false, reset: false });
  });

  it('pages to exactly the server’s state while writes go on', async () => {
    const client = protocolClient();
    const all = await ids('select id from sy_node order by id');
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        const em = f.em();
        const node = await em.findOneOrFail(Node, all[(n * 7) % all.length] as number, { populate: ['tags'] });
        // Renames, moves between centers (in and out of alice's), tag changes, new and deleted notes.
        if (n % 5 === 4) node.centerId = (n % 3) + 1;
        else if (n % 5 === 3) node.tags.set([em.getReference(Tag, (n % 3) + 1)]);
        else if (n % 5 === 2) em.create(Note, { node, text: `written ${n}` });
        else if (n % 5 === 1) for (const note of await em.find(Note, { node, text: { $like: 'written%' } })) em.remove(note);
        else node.name = `w${n}`;
        await em.flush();
        writes += 1;
      }
    })();
    try {
      // Pulls faster than a dialect writes (MariaDB) go on until the writer has really interleaved.
      for (let round = 0; round < 8 || (writes <= 8 && round < 400); round++) await pullUntilDone(f, alice, client, 7);
    } finally {
      writing = false;
      await writer;
    }
    expect(writes).toBeGreaterThan(8);
    await pullUntilDone(f, alice, client, 7);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('ends every completed sync at one watermark: no row arrives without the row it refers to', async () => {
    // A client that stops pulling a mapping once its page says there is no more: with mappings ending at
    // different watermarks, a note created with its node after the nodes ended arrived without it.
    const client = protocolClient(['nodes', 'notes']);
    // Notes outnumber nodes: the nodes' pages end first, while notes go on.
    const extra = f.em();
    for (const node of await extra.find(Node, { centerId: { $in: [1, 2] } })) for (let n = 0; n < 4; n++) extra.create(Note, { node, text: `extra ${n}` });
    await extra.flush();
    let writing = true;
    const writer = (async () => {
      for (let n = 0; n < 40; n++) {
        const em = f.em();
        em.create(Note, { node: em.create(Node, { name: `pair ${n}`, centerId: 1 + (n % 2) }), text: `with its node ${n}` });
        await em.flush();
        await new Promise((wake) => setTimeout(wake, 15));
      }
      writing = false;
    })();
    try {
      for (let round = 0; writing || round < 2; round++) {
        let open = ['nodes', 'notes'];
        while (open.length > 0) {
          const answer = await f.server.pull(f.em(), alice, {
            mappings: Object.fromEntries(open.map((name) => [name, client.checkpoints[name] ?? null])),
            limit: 5,
          });
          for (const [name, page] of Object.entries(answer.mappings)) applyPage(client, name, page);
          open = open.filter((name) => answer.mappings[name]?.hasMore);
          // SQLite's driver answers synchronously: without a turn of the event loop the writer's timers starve.
          await new Promise((turn) => setImmediate(turn));
        }
        const nodes = client.rows.get('nodes') as Map<string, Record<string, unknown>>;
        const orphans = [...(client.rows.get('notes')?.values() ?? [])].filter((note) => !nodes.has(String(note.node_id)));
        expect(orphans).toEqual([]);
      }
    } finally {
      await writer;
    }
  });

  it('counts each mapping’s rows in the summary, so a client can tell it holds them all', async () => {
    const client = await synced();
    const summary = await f.server.summary(f.em(), alice);
    expect(Object.fromEntries(summary.mappings.map((mapping) => [mapping.name, mapping.rows]))).toEqual(
      Object.fromEntries(mappingNames.map((name) => [name, client.rows.get(name)?.size])),
    );
  });

  it('sends a changed row with its parents, and membership rows', async () => {
    const client = await synced();
    const [parent, child] = await ids('select id from sy_node where center_id = 1 order by id limit 2');
    const [note] = await ids('select id from sy_note where node_id = ?', [child]);
    const em = f.em();
    const node = await em.findOneOrFail(Node, child as number, { populate: ['tags'] });
    node.parent = em.getReference(Node, parent as number);
    await em.flush();
    await pullUntilDone(f, alice, client);
    // A note changes: its node (the parent) is sent again, and that node's parent too.
    (await em.findOneOrFail(Note, note as number)).text = 'changed';
    const before = node.tags.getIdentifiers() as number[];
    const extra = [1, 2, 3].find((id) => !before.includes(id)) as number;
    await em.flush();
    let pulled = await f.server.pull(f.em(), alice, { mappings: client.checkpoints });
    expect(pulled.mappings.notes?.changes).toEqual([{ id: note, node_id: child, text: 'changed' }]);
    expect(pulled.mappings.nodes?.changes.map((row) => row.id).sort()).toEqual([parent, child].sort());
    expect(pulled.mappings.node_tags?.changes).toEqual([]);
    for (const name of mappingNames) client.checkpoints[name] = pulled.mappings[name]?.checkpoint ?? null;
    // A tag added: the node with its new tag ids, and the membership row.
    node.tags.add(em.getReference(Tag, extra));
    await em.flush();
    pulled = await f.server.pull(f.em(), alice, { mappings: client.checkpoints });
    expect(pulled.mappings.nodes?.changes.find((row) => row.id === child)).toMatchObject({ tag_ids: [...before, extra].sort() });
    expect(pulled.mappings.node_tags?.changes).toEqual([{ id: `${child}:${extra}`, node_id: child, tag_id: extra }]);
    // And removed: a delete of the membership row.
    node.tags.remove(em.getReference(Tag, extra));
    await em.flush();
    const removed = await f.server.pull(f.em(), alice, { mappings: { node_tags: pulled.mappings.node_tags?.checkpoint ?? null } });
    expect(removed.mappings.node_tags).toMatchObject({ changes: [], deletes: [`${child}:${extra}`] });
  });

  it('turns a move out of the subject’s scopes into deletes of the row and the rows that follow it', async () => {
    const client = await synced();
    const [id] = await ids(
      'select d.id from sy_node d where d.center_id = 2 and exists (select 1 from sy_note n where n.node_id = d.id) order by d.id limit 1',
    );
    const notes = (await ids('select id from sy_note where node_id = ?', [id])).map(String);
    const tags = [...(client.rows.get('node_tags')?.keys() ?? [])].filter((key) => key.startsWith(`${id}:`));
    expect(notes.length).toBeGreaterThan(0);
    expect(tags.length).toBeGreaterThan(0);
    const em = f.em();
    const node = await em.findOneOrFail(Node, id as number);
    node.centerId = 3;
    await em.flush();
    await pullUntilDone(f, alice, client);
    expect(client.rows.get('nodes')?.has(String(id))).toBe(false);
    for (const note of notes) expect(client.rows.get('notes')?.has(note)).toBe(false);
    for (const tag of tags) expect(client.rows.get('node_tags')?.has(tag)).toBe(false);
    // And back: the rows come back with their current state.
    node.centerId = 1;
    await em.flush();
    await pullUntilDone(f, alice, client);
    expect(client.rows.get('nodes')?.get(String(id))).toMatchObject({ center_id: 1 });
    for (const note of notes) expect(client.rows.get('notes')?.has(note)).toBe(true);
    for (const tag of tags) expect(client.rows.get('node_tags')?.has(tag)).toBe(true);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('sends deletes for a deleted row and the rows the database cascade removed', async () => {
    const client = await synced();
    const [id] = await ids(
      'select d.id from sy_node d where d.center_id = 1 and exists (select 1 from sy_note n where n.node_id = d.id) and not exists (select 1 from sy_node c where c.parent_id = d.id) order by d.id desc limit 1',
    );
    const notes = (await ids('select id from sy_note where node_id = ?', [id])).map(String);
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) expect(client.rows.get('notes')?.has(note)).toBe(true);
    const em = f.em();
    em.remove(await em.findOneOrFail(Node, id as number));
    await em.flush();
    // The ORM knew nothing of the notes: the database's ON DELETE CASCADE removed them.
    expect(await f.sql('select id from sy_note where node_id = ?', [id])).toEqual([]);
    await pullUntilDone(f, alice, client);
    expect(client.rows.get('nodes')?.has(String(id))).toBe(false);
    for (const note of notes) expect(client.rows.get('notes')?.has(note)).toBe(false);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('answers a reset when the subject’s scopes change, and a new download follows', async () => {
    const client = await synced();
    await pullUntilDone(f, { ...alice, scopes: ['1'] }, client);
    expect(client.resets).toBe(mappingNames.length);
    expect(new Set([...(client.rows.get('nodes')?.values() ?? [])].map((row) => row.center_id))).toEqual(new Set([1]));
    // Back to both centers: another reset, and center 2's rows again.
    await pullUntilDone(f, alice, client);
    expect(client.resets).toBe(2 * mappingNames.length);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('answers a reset to a checkpoint older than the pruned log', async () => {
    const client = await synced();
    const em = f.em();
    const [id] = await ids('select id from sy_node where center_id = 1 order by id limit 1');
    (await em.findOneOrFail(Node, id as number)).name = 'before prune';
    await em.flush();
    const { pruned } = await pruneSyncLog(f.em(), new Date(Date.now() + 60_000));
    expect(pruned).toBeGreaterThan(0);
    const page = (await f.server.pull(f.em(), alice, { mappings: { nodes: client.checkpoints.nodes ?? null } })).mappings.nodes;
    expect(page?.reset).toBe(true);
    expect(page?.changes.length).toBeGreaterThan(0);
    // The client that follows the reset ends where the server is.
    await pullUntilDone(f, alice, client);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('answers a reset when a prune overtakes a pull after it read the horizon', async () => {
    const client = await synced();
    const em = f.em();
    const [id] = await ids('select id from sy_node where center_id = 1 order by id limit 1');
    (await em.findOneOrFail(Node, id as number)).name = 'pruned mid-pull';
    await em.flush();
    // The pull's context (horizon included) is read first; the prune commits before its log page.
    const context = await f.server.pullContext(f.em(), alice);
    await pruneSyncLog(f.em(), new Date(Date.now() + 60_000));
    const page = await pullMapping(context, f.server.mapping(alice, 'nodes'), client.checkpoints.nodes ?? null, 1_000);
    expect(page.reset).toBe(true);
    expect(page.changes.map((row) => row.id)).toContain(id);
  });

  it('refuses tampered checkpoints, those of another mapping and those of another database, before any query', async () => {
    const client = await synced();
    const token = client.checkpoints.nodes as string;
    const [body, tag] = token.split('.');
    const payload = JSON.parse(Buffer.from(body as string, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...payload, p: [0, 0] })).toString('base64url')}.${tag}`;
    /** An EntityManager that fails any statement: a refusal must come first. */
    const noQueries = (): EntityManager =>
      Object.assign(f.em(), {
        getConnection: () => {
          throw new Error('a query was about to run');
        },
      });
    for (const [requested, code] of [
      [{ nodes: forged }, 'SYNC_INVALID_CHECKPOINT'],
      [{ notes: token }, 'SYNC_INVALID_CHECKPOINT'],
      [{ nodes: 'x'.repeat(10) }, 'SYNC_INVALID_CHECKPOINT'],
      [{ tags: null, nodes: forged }, 'SYNC_INVALID_CHECKPOINT'],
      [{ nope: null }, 'SYNC_UNKNOWN_MAPPING'],
    ] as const) {
      await expect(f.server.pull(noQueries(), alice, { mappings: requested })).rejects.toMatchObject({ code });
      // A push's checkpoints (what the client last pulled) are checked the same way.
      const checkpoints = Object.fromEntries(Object.entries(requested).filter((entry): entry is [string, string] => entry[1] !== null));
      if (Object.keys(checkpoints).length > 0)
        await expect(f.server.push(noQueries(), alice, { clientId: 'c', batchId: 'b', checkpoints, changes: {} })).rejects.toMatchObject({ code });
    }
    // The harness sees a query: a valid checkpoint gets that far.
    await expect(f.server.pull(noQueries(), alice, { mappings: { nodes: token } })).rejects.toThrow('a query was about to run');

    // Another database, even with the same secret: its checkpoints name their database.
    const other = await createFixture(dialect);
    try {
      const here = new SyncServer({ mappings, secret: 'shared' });
      const there = new SyncServer({ mappings, secret: 'shared' });
      await here.init(f.em());
      await there.init(other.em());
      const issued = (await here.pull(f.em(), alice, { mappings: { nodes: null } })).mappings.nodes?.checkpoint as string;
      await expect(here.pull(f.em(), alice, { mappings: { nodes: issued } })).resolves.toBeDefined();
      await expect(
        there.pull(Object.assign(other.em(), { getConnection: noQueries().getConnection }), alice, { mappings: { nodes: issued } }),
      ).rejects.toMatchObject({
        code: 'SYNC_INVALID_CHECKPOINT',
        message: expect.stringContaining('another database'),
      });
      await expect(other.server.pull(other.em(), alice, { mappings: { nodes: token } })).rejects.toMatchObject({ code: 'SYNC_INVALID_CHECKPOINT' });
    } finally {
      await other.close();
    }
  });
});

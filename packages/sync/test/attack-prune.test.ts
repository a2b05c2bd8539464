import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pruneSyncLog, SyncServer, type SyncSubject, WatermelonSync } from '../src/index.ts';
import { applyPage, createFixture, type Fixture, mappingNames, mappings, Node, type ProtocolClient, protocolClient, pullUntilDone } from './fixture.ts';

/**
 * Attacks on the horizon cache: prunes that race pulls (between pages, several in a row, through a
 * second server whose cache is its own, under WatermelonDB). Every pruned change must reach the client
 * as a reset, never as a silent gap, and the client must end at the server's state.
 */
const alice: SyncSubject = { id: 'alice', scopes: ['1', '2'] };
/** A cutoff after every log row: the prune removes everything below the watermark. */
const everything = () => new Date(Date.now() + 60_000);

describeEachDialect('sync attack: prunes racing pulls', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(dialect);
    await f.addNodes(60);
  });
  afterAll(() => f?.close());

  async function serverState() {
    const nodes = await f.sql('select id, name, center_id from sy_node where center_id in (1, 2)');
    const notes = await f.sql('select n.id, n.text from sy_note n join sy_node d on d.id = n.node_id where d.center_id in (1, 2)');
    return {
      nodes: new Map(nodes.map((row) => [String(row.id), `${row.name}@${row.center_id}`])),
      notes: new Map(notes.map((row) => [String(row.id), String(row.text)])),
    };
  }
  function clientState(client: ProtocolClient) {
    const rows = (name: string) => client.rows.get(name) ?? new Map<string, Record<string, unknown>>();
    return {
      nodes: new Map([...rows('nodes')].map(([id, row]) => [id, `${row.name}@${row.center_id}`])),
      notes: new Map([...rows('notes')].map(([id, row]) => [id, String(row.text)])),
    };
  }

  /** Renames every node of centers 1 and 2 (a log longer than one page of `limit`). */
  async function renameAll(tag: string): Promise<void> {
    const em = f.em();
    for (const node of await em.find(Node, { centerId: { $in: [1, 2] } })) node.name = `${tag}${node.id}`.slice(0, 30);
    await em.flush();
  }

  /** One pull of every mapping of `client`; true when a page has more. */
  async function pullOnce(server: SyncServer, client: ProtocolClient, limit: number): Promise<boolean> {
    const response = await server.pull(f.em(), alice, { mappings: client.checkpoints, limit });
    let more = false;
    for (const [name, page] of Object.entries(response.mappings)) {
      applyPage(client, name, page);
      more ||= page.hasMore;
    }
    return more;
  }

  it('resets a multi-page log pull that a prune overtakes between its pages', async () => {
    const client = protocolClient();
    await pullUntilDone(f, alice, client, 10);
    await renameAll('a');
    // Warm the cache with the horizon as it is now, then read one page of the long log.
    expect(await pullOnce(f.server, client, 10)).toBe(true);
    const resetsBefore = client.resets;
    await renameAll('b');
    await pruneSyncLog(f.em(), everything());
    await pullUntilDone(f, alice, client, 10);
    expect(client.resets).toBeGreaterThan(resetsBefore);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('resets after each of several prunes within the cache’s five seconds', async () => {
    const client = protocolClient();
    await pullUntilDone(f, alice, client, 25);
    for (let round = 0; round < 4; round++) {
      await renameAll(`r${round}-`);
      const resets = client.resets;
      await pruneSyncLog(f.em(), everything());
      await pullUntilDone(f, alice, client, 25);
      expect(client.resets, `round ${round}`).toBeGreaterThan(resets);
      expect(clientState(client), `round ${round}`).toEqual(await serverState());
    }
  });

  it('a second server sharing the database, its cache warmed before the prune, still resets', async () => {
    const other = new SyncServer({ mappings });
    await other.init(f.em());
    const client = protocolClient();
    // Pulled through the second server: its cache holds the horizon from before the prune.
    for (let more = true; more; ) more = await pullOnce(other, client, 25);
    await renameAll('s');
    await pruneSyncLog(f.em(), everything());
    const resets = client.resets;
    for (let more = true; more; ) more = await pullOnce(other, client, 25);
    expect(client.resets).toBeGreaterThan(resets);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('resets a checkpoint whose mapping had no change since, when the prune passed it (empty log page)', async () => {
    const client = protocolClient();
    await pullUntilDone(f, alice, client, 25);
    // Changes in center 3 only: alice's log is empty, but the horizon moves past her checkpoint.
    const em = f.em();
    for (const node of await em.find(Node, { centerId: 3 })) node.name = `c3-${node.id}`;
    await em.flush();
    await pruneSyncLog(f.em(), everything());
    const resets = client.resets;
    await pullUntilDone(f, alice, client, 25);
    // A reset here is allowed (the log behind the checkpoint is gone); a gap is not.
    expect(client.resets).toBeGreaterThanOrEqual(resets);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('WatermelonDB: a lastPulledAt behind a prune gets the replacement strategy with every row, from either server', async () => {
    const other = new SyncServer({ mappings });
    await other.init(f.em());
    for (const [index, server] of [f.server, other].entries()) {
      const watermelon = new WatermelonSync(server);
      const first = await watermelon.pull(f.em(), alice, { lastPulledAt: null, schemaVersion: 1, migration: null });
      // Warm the cache again right before the prune.
      await watermelon.pull(f.em(), alice, { lastPulledAt: first.timestamp, schemaVersion: 1, migration: null });
      await renameAll(`w${index}-`);
      await pruneSyncLog(f.em(), everything());
      const next = await watermelon.pull(f.em(), alice, { lastPulledAt: first.timestamp, schemaVersion: 1, migration: null });
      expect((next as { experimentalStrategy?: string }).experimentalStrategy, `server ${index}`).toBe('replacement');
      const nodes = new Map((next.changes.nodes?.updated ?? []).map((row) => [String(row.id), `${row.name}@${row.center_id}`]));
      expect(nodes).toEqual((await serverState()).nodes);
    }
  });

  it('a snapshot under way when the prune passes its start ends at the server’s state', async () => {
    const client = protocolClient();
    // One snapshot page, then a write and a prune past the snapshot's start.
    await pullOnce(f.server, client, 7);
    await renameAll('m');
    await pruneSyncLog(f.em(), everything());
    await pullUntilDone(f, alice, client, 7);
    expect(clientState(client)).toEqual(await serverState());
  });

  it('refuses (409) a push from a checkpoint behind the pruned log instead of overwriting a change it can no longer see', async () => {
    // Bob's checkpoint, then alice renames a node, then the log is pruned: bob's update of the same
    // node from his old checkpoint must not silently overwrite alice's rename.
    const bob = protocolClient(['nodes']);
    await pullUntilDone(f, alice, bob, 1_000);
    const [control, row] = (await f.sql('select id from sy_node where center_id = 1 order by id limit 2')).map((found) => Number(found.id));
    const renameAndPush = async (id: number, batchId: string, prune: boolean) => {
      const em = f.em();
      (await em.findOneOrFail(Node, id)).name = `alice renamed ${batchId}`;
      await em.flush();
      if (prune) await pruneSyncLog(f.em(), everything());
      const outcome = await f.server
        .push(f.em(), alice, {
          clientId: 'bob-tablet',
          batchId,
          checkpoints: { nodes: bob.checkpoints.nodes as string },
          changes: { nodes: { updated: [{ id, name: 'bob wins?', center_id: 1 }] } },
        })
        .then(
          () => 'applied',
          (error: { code?: string }) => error.code ?? String(error),
        );
      const [now] = await f.sql('select name from sy_node where id = ?', [id]);
      return { outcome, name: now?.name };
    };
    // Without a prune the same push is a conflict: alice's rename is in the log after bob's checkpoint.
    expect(await renameAndPush(control as number, 'control', false)).toEqual({ outcome: 'SYNC_CONFLICT', name: 'alice renamed control' });
    // With the rename pruned, the push must not be applied silently over it (a 409, or a refusal of the checkpoint).
    expect(await renameAndPush(row as number, 'after-prune', true)).not.toEqual({ outcome: 'applied', name: 'bob wins?' });
  });

  it('keeps a client equal to the server when prunes run between every pull of a sync', async () => {
    const client = protocolClient(mappingNames);
    for (let round = 0; round < 6; round++) {
      await renameAll(`x${round}-`);
      await pullOnce(f.server, client, 5);
      await pruneSyncLog(f.em(), everything());
    }
    await pullUntilDone(f, alice, client, 5);
    expect(clientState(client)).toEqual(await serverState());
  });
});

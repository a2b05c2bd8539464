import type { DialectName } from '@sluice/db';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MappingPull, type SyncSubject, WatermelonSync } from '../src/index.ts';
import { createFixture, type Fixture, Node, protocolClient, pullUntilDone } from './fixture.ts';

/**
 * Attacks on the uuids a snapshot page reads in its own statement (`newItems`): many rows, first syncs
 * of both protocols, MariaDB's text key, and a key used again after its row was deleted.
 */
const alice: SyncSubject = { id: 'alice', scopes: ['1', '2'] };

/** Makes the next id `sy_node` hands out `next`, as a table without AUTOINCREMENT (or an import) would. */
async function nextNodeId(f: Fixture, dialect: DialectName, next: number): Promise<void> {
  if (dialect === 'sqlite') await f.sql(`update sqlite_sequence set seq = ? where name = 'sy_node'`, [next - 1]);
  else if (dialect === 'postgresql') await f.sql(`select setval(pg_get_serial_sequence('sy_node', 'id'), ?, true)`, [next - 1]);
  else await f.sql(`alter table sy_node auto_increment = ${Number(next)}`);
}

describeEachDialect('sync attack: client uuids in snapshots', (dialect) => {
  let f: Fixture;
  let batch = 0;
  beforeAll(async () => {
    f = await createFixture(dialect);
    await f.addNodes(20);
  });
  afterAll(() => f?.close());

  const push = async (clientId: string, changes: Record<string, unknown>, checkpoints: Record<string, string> = {}) =>
    f.server.push(f.em(), alice, { clientId, batchId: `u${++batch}`, checkpoints, changes: changes as never });

  /** Every newItem of a first sync, over all its pages. */
  async function firstSyncNewItems(names: string[], limit: number): Promise<Map<string, Map<string, string>>> {
    const items = new Map(names.map((name) => [name, new Map<string, string>()]));
    const client = protocolClient(names);
    for (let more = true; more; ) {
      const response = await f.server.pull(f.em(), alice, { mappings: client.checkpoints, limit });
      more = false;
      for (const [name, page] of Object.entries(response.mappings) as [string, MappingPull][]) {
        for (const item of page.newItems) items.get(name)?.set(item.uuid, String(item.id));
        client.checkpoints[name] = page.checkpoint;
        more ||= page.hasMore;
      }
    }
    return items;
  }

  it('a first sync names the uuid of every one of 1,500 client-created rows, across pages', async () => {
    const created = new Map<string, string>();
    for (let part = 0; part < 3; part++) {
      const nodes = Array.from({ length: 500 }, (_, i) => ({ uuid: `many-${part}-${i}`, name: `many ${part}-${i}`, center_id: 1 + ((part + i) % 2) }));
      const answer = await push('tablet-many', { nodes: { created: nodes } });
      for (const item of answer.mappings.nodes?.newItems ?? []) created.set(item.uuid, String(item.id));
    }
    expect(created.size).toBe(1_500);
    const notes = [...created.keys()].slice(0, 300).map((uuid, i) => ({ uuid: `note-${i}`, node_id: uuid, text: `on ${uuid}` }));
    const noteAnswer = await push('tablet-many', { notes: { created: notes } });
    expect(noteAnswer.mappings.notes?.failedItems).toEqual([]);
    const items = await firstSyncNewItems(['nodes', 'notes'], 400);
    expect(items.get('nodes')).toEqual(created);
    expect(items.get('notes')?.size).toBe(300);
  });

  it('WatermelonDB’s first sync keys client-created rows and references to them by the client’s ids', async () => {
    const answer = await push('tablet-w', {
      nodes: { created: [{ uuid: 'wm-node', name: 'wm node', center_id: 2 }] },
      notes: { created: [{ uuid: 'wm-note', node_id: 'wm-node', text: 'wm note' }] },
    });
    const serverId = String(answer.mappings.nodes?.newItems[0]?.id);
    const first = await new WatermelonSync(f.server).pull(f.em(), alice, { lastPulledAt: null, schemaVersion: 1, migration: null });
    const nodes = first.changes.nodes?.updated ?? [];
    expect(nodes.filter((row) => row.id === 'wm-node')).toHaveLength(1);
    expect(nodes.some((row) => row.id === serverId)).toBe(false);
    expect((first.changes.notes?.updated ?? []).find((row) => row.id === 'wm-note')?.node_id).toBe('wm-node');
  });

  it('a key used again after its client-created row was deleted carries the new row’s uuid only (snapshot, log, WatermelonDB)', async () => {
    const before = protocolClient(['nodes']);
    await pullUntilDone(f, alice, before);
    const old = await push('tablet-r', { nodes: { created: [{ uuid: 'reuse-old', name: 'old', center_id: 1 }] } });
    const id = Number(old.mappings.nodes?.newItems[0]?.id);
    const holder = protocolClient(['nodes']);
    await pullUntilDone(f, alice, holder);
    const deleted = await push('tablet-r', { nodes: { deleted: ['reuse-old'] } }, { nodes: holder.checkpoints.nodes as string });
    expect(deleted.mappings.nodes?.failedItems).toEqual([]);
    expect(await f.sql('select id from sy_node where id = ?', [id])).toEqual([]);
    await nextNodeId(f, dialect, id);
    const again = await push('tablet-r', { nodes: { created: [{ uuid: 'reuse-new', name: 'new', center_id: 1 }] } });
    expect(Number(again.mappings.nodes?.newItems[0]?.id)).toBe(id);

    // Snapshot: one uuid for the key, the new one.
    const snapshot = await firstSyncNewItems(['nodes'], 1_000);
    expect([...(snapshot.get('nodes') ?? [])].filter(([, rowId]) => rowId === String(id))).toEqual([['reuse-new', String(id)]]);
    // Log, from before both rows: the row is there once, named by the new uuid.
    const response = await f.server.pull(f.em(), alice, { mappings: before.checkpoints });
    const page = response.mappings.nodes as MappingPull;
    expect(page.changes.filter((row) => String(row.id) === String(id)).map((row) => row.name)).toEqual(['new']);
    expect(page.newItems.filter((item) => String(item.id) === String(id))).toEqual([{ uuid: 'reuse-new', id }]);
    // WatermelonDB first sync: keyed by the new uuid.
    const first = await new WatermelonSync(f.server).pull(f.em(), alice, { lastPulledAt: null, schemaVersion: 1, migration: null });
    const rows = (first.changes.nodes?.updated ?? []).filter((row) => row.name === 'new' || row.id === 'reuse-old');
    expect(rows.map((row) => row.id)).toEqual(['reuse-new']);
  });

  it('a retried create of a deleted client row does not update another row that took its key', async () => {
    const old = await push('tablet-t', { nodes: { created: [{ uuid: 'retry-old', name: 'first', center_id: 1 }] } });
    const id = Number(old.mappings.nodes?.newItems[0]?.id);
    const em = f.em();
    em.remove(await em.findOneOrFail(Node, id));
    await em.flush();
    await nextNodeId(f, dialect, id);
    const fork = f.em();
    fork.create(Node, { name: 'someone else', centerId: 1 });
    await fork.flush();
    // The client's outbox sends the create again (another batch id).
    await push('tablet-t', { nodes: { created: [{ uuid: 'retry-old', name: 'retried', center_id: 1 }] } }).catch(() => undefined);
    expect((await f.sql('select name from sy_node where id = ?', [id]))[0]?.name).toBe('someone else');
  });

  it('names uuids in a snapshot whatever the collation of sync_item.row_id (MariaDB: CONCAT gives the connection’s)', async () => {
    const answer = await push('tablet-c', { nodes: { created: [{ uuid: 'collated', name: 'collated', center_id: 2 }] } });
    const id = String(answer.mappings.nodes?.newItems[0]?.id);
    const collations =
      dialect === 'mariadb'
        ? ['character set latin1 collate latin1_swedish_ci', 'character set utf8mb4 collate utf8mb4_bin', 'character set utf8mb4 collate utf8mb4_unicode_ci']
        : dialect === 'postgresql'
          ? ['collate "C"']
          : ['collate nocase'];
    for (const collation of collations) {
      // Both of the log's text keys, as a database whose default collation is not the connection's makes them.
      for (const table of ['sync_item', 'sync_change']) {
        if (dialect === 'mariadb') await f.sql(`alter table ${table} modify row_id varchar(100) ${collation} not null`);
        else if (dialect === 'postgresql') await f.sql(`alter table ${table} alter column row_id type varchar(100) ${collation}`);
      }
      if (dialect === 'sqlite') continue; // SQLite compares text by its own rules; a column's collation needs a new table
      const snapshot = await firstSyncNewItems(['nodes'], 1_000);
      expect(snapshot.get('nodes')?.get('collated'), collation).toBe(id);
    }
  });
});

import { countTurns, describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SyncMapping, SyncServer, type SyncSubject, WatermelonSync } from '../src/index.ts';
import { createFixture, type Fixture, mappings, Node } from './fixture.ts';

const alice: SyncSubject = { id: 'alice', scopes: ['1', '2'] };

/** The fixture's mappings as an app at client schema version 3 declares them: notes came in 2, nodes' tags in 3. */
const versioned: SyncMapping[] = mappings.map((mapping) => {
  if (mapping.name === 'notes') return { ...mapping, addedIn: 2 };
  if (mapping.name === 'nodes' && mapping.kind !== 'membership') return { ...mapping, fieldsAddedIn: { tag_ids: 3 } };
  return mapping;
});

describeEachDialect('WatermelonDB migration syncs', (dialect) => {
  let f: Fixture;
  let watermelon: WatermelonSync;
  beforeAll(async () => {
    f = await createFixture(dialect);
    await f.addNodes(12);
    const server = new SyncServer({ mappings: versioned });
    await server.init(f.orm.em.fork());
    watermelon = new WatermelonSync(server);
  });
  afterAll(() => f?.close());

  const pull = (request: Parameters<WatermelonSync['pull']>[2]) => watermelon.pull(f.em(), alice, request);
  const visibleNodes = async () => (await f.sql('select id from sy_node where center_id in (1, 2) order by id')).map((row) => String(row.id));

  it('sends a client only the tables and fields its schema version has', async () => {
    const first = await pull({ lastPulledAt: null, schemaVersion: 1, migration: null });
    expect(Object.keys(first.changes).sort()).toEqual(['node_tags', 'nodes', 'tags']);
    expect(first.changes.nodes?.updated.map((row) => row.id).sort()).toEqual((await visibleNodes()).sort());
    expect(first.changes.nodes?.updated.every((row) => !('tag_ids' in row) && 'name' in row)).toBe(true);
  });

  it('sends a table the client added in full, and only changes of the others', async () => {
    const v1 = await pull({ lastPulledAt: null, schemaVersion: 1, migration: null });
    const em = f.em();
    const [changed] = await em.find(Node, { centerId: 1 }, { limit: 1 });
    (changed as Node).name = 'after v1';
    await em.flush();
    const v2 = await pull({ lastPulledAt: v1.timestamp, schemaVersion: 2, migration: { from: 1, tables: ['notes'], columns: [] } });
    const notes = (await f.sql('select n.id from sy_note n join sy_node o on o.id = n.node_id where o.center_id in (1, 2)')).map((row) => String(row.id));
    expect(v2.changes.notes?.updated.map((row) => row.id).sort()).toEqual(notes.sort());
    expect(v2.changes.nodes?.updated.map((row) => row.id)).toContain(String(changed?.id));
    expect(v2.changes.nodes?.updated.length).toBeLessThan((await visibleNodes()).length);
    // A later pull of the same version is incremental again.
    const again = await pull({ lastPulledAt: v2.timestamp, schemaVersion: 2, migration: null });
    expect(again.changes.notes?.updated).toEqual([]);
  });

  it('sends a table whose column the client added in full, with that column', async () => {
    const v2 = await pull({ lastPulledAt: null, schemaVersion: 2, migration: null });
    const v3 = await pull({
      lastPulledAt: v2.timestamp,
      schemaVersion: 3,
      migration: { from: 2, tables: [], columns: [{ table: 'nodes', columns: ['tag_ids'] }] },
    });
    expect(v3.changes.nodes?.updated.map((row) => row.id).sort()).toEqual((await visibleNodes()).sort());
    expect(v3.changes.nodes?.updated.every((row) => typeof row.tag_ids === 'string')).toBe(true);
  });

  it('lets the event loop turn after each snapshot page, so other work runs while a first sync streams', async () => {
    // better-sqlite3 answers synchronously: without a turn a whole first sync over SQLite is one turn,
    // and Node frees no statement (an N-API finalizer runs from setImmediate) until it ends.
    const json = await watermelon.pullJson(f.em(), alice, { lastPulledAt: null, schemaVersion: 3, migration: null });
    const turns = countTurns();
    for await (const chunk of json) expect(typeof chunk).toBe('string');
    // One page per mapping here (tags, nodes, node_tags, notes): a turn after each at least.
    expect(turns.stop()).toBeGreaterThanOrEqual(versioned.length);
  });
});

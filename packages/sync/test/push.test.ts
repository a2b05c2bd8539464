import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/sql';
import { type DialectName, dialectNamed } from '@sluice/db';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PushRequest, PushResponse, SyncSubject } from '../src/index.ts';
import { createFixture, type Fixture, Node, openOrm, protocolClient, pullUntilDone } from './fixture.ts';

const alice: SyncSubject = { id: 'alice', scopes: ['1', '2'] };
const admin: SyncSubject = { id: 'admin', scopes: 'all' };

/** Sessions of this database waiting for a lock, where the database shows them. */
const lockWaitersQuery: Record<DialectName, string | null> = {
  postgresql: "select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
  mariadb: null,
  sqlite: null,
};

/** What a push came to: its answer, or its error's code. */
async function outcome(push: Promise<PushResponse>): Promise<PushResponse | string> {
  return push.catch((error: { code?: string }) => error.code ?? String(error));
}

describeEachDialect('sync push', (dialect) => {
  let f: Fixture;
  let batch = 0;
  beforeAll(async () => {
    f = await createFixture(dialect);
    await f.addNodes(30);
  });
  afterAll(() => f?.close());

  const count = async (text: string, params: unknown[] = []) => Number((await f.sql(text, params))[0]?.n);
  const nodeName = async (id: unknown) => (await f.sql('select name from sy_node where id = ?', [id]))[0]?.name;
  const firstNode = async (center: number, order = 'asc') =>
    Number((await f.sql(`select id from sy_node where center_id = ? order by id ${order} limit 1`, [center]))[0]?.id);

  /** What `subject` last pulled of `names`: the checkpoints a push sends. */
  async function checkpoints(subject: SyncSubject, ...names: string[]): Promise<Record<string, string>> {
    const client = protocolClient(names);
    await pullUntilDone(f, subject, client);
    return client.checkpoints as Record<string, string>;
  }

  const push = (subject: SyncSubject, request: Omit<PushRequest, 'batchId'> & { batchId?: string }) =>
    f.server.push(f.em(), subject, { batchId: `b${++batch}`, ...request });

  const newNode = (uuid: string, center = 1) => ({ uuid, name: `made ${uuid}`.slice(0, 30), center_id: center });

  it('creates rows by client uuid, references them in the same push, and replays a batch unchanged', async () => {
    const request: PushRequest = {
      clientId: 'tablet-1',
      batchId: 'replay-1',
      changes: {
        nodes: { created: [newNode('n-uuid-1'), { ...newNode('n-uuid-2', 2), tag_ids: [3, 1] }] },
        // Mappings apply in declaration order: a note may name a node created in the same push.
        notes: { created: [{ uuid: 'note-uuid-1', node_id: 'n-uuid-2', text: 'on a new node' }] },
      },
    };
    const answer = await f.server.push(f.em(), alice, request);
    expect(answer.mappings.nodes).toEqual({
      newItems: [
        { uuid: 'n-uuid-1', id: expect.any(Number) },
        { uuid: 'n-uuid-2', id: expect.any(Number) },
      ],
      failedItems: [],
    });
    const [parent, child] = answer.mappings.nodes?.newItems.map((item) => item.id) ?? [];
    const note = answer.mappings.notes?.newItems[0]?.id;
    expect((await f.sql('select center_id from sy_node where id = ?', [child]))[0]).toEqual({ center_id: 2 });
    expect((await f.sql('select sy_tag_id as t from sy_node_tags where sy_node_id = ? order by sy_tag_id', [child])).map((row) => row.t)).toEqual([1, 3]);
    expect((await f.sql('select node_id from sy_note where id = ?', [note]))[0]?.node_id).toBe(child);

    // The same batch again: the same answer, nothing made twice.
    expect(await f.server.push(f.em(), alice, request)).toEqual(answer);
    expect(await count("select count(*) as n from sy_node where name like 'made n-uuid%'")).toBe(2);
    // The same batch id with other rows used to answer with the first answer and drop the rows.
    const other = { ...request, changes: { nodes: { created: [newNode('n-uuid-3')] } } };
    expect(await outcome(f.server.push(f.em(), alice, other))).toBe('SYNC_BATCH_REUSED');
    expect(await count("select count(*) as n from sync_item where uuid = 'n-uuid-3'")).toBe(0);
    // Nor may another user reuse it.
    expect(await outcome(f.server.push(f.em(), admin, request))).toBe('SYNC_BATCH_REUSED');
    // The same uuid in a new batch updates the row it made instead of making another; later pushes name it by uuid too.
    const retried = await push(alice, {
      clientId: 'tablet-1',
      changes: {
        nodes: {
          created: [
            { ...newNode('n-uuid-1'), name: 'renamed' },
            { ...newNode('n-uuid-4'), parent_id: 'n-uuid-2' },
          ],
        },
      },
    });
    expect(retried.mappings.nodes?.newItems.sort((a, b) => a.uuid.localeCompare(b.uuid))).toEqual([
      { uuid: 'n-uuid-1', id: parent },
      { uuid: 'n-uuid-4', id: expect.any(Number) },
    ]);
    expect(await nodeName(parent)).toBe('renamed');
    expect((await f.sql("select parent_id from sy_node where name = 'made n-uuid-4'"))[0]?.parent_id).toBe(child);
    expect(await count("select count(*) as n from sy_node where name like 'made n-uuid%' or name = 'renamed'")).toBe(3);
    // Pulls name the uuid of rows a client created.
    const pulled = await f.server.pull(f.em(), alice, { mappings: { nodes: null }, limit: 1_000 });
    expect(pulled.mappings.nodes?.newItems).toEqual(
      expect.arrayContaining([
        { uuid: 'n-uuid-1', id: parent },
        { uuid: 'n-uuid-2', id: child },
      ]),
    );
  });

  it('applies updates and deletes; deleting a missing row succeeds', async () => {
    const since = await checkpoints(alice, 'nodes', 'notes');
    const id = await firstNode(2);
    const [note] = await f.sql('select n.id from sy_note n join sy_node d on d.id = n.node_id where d.center_id = 1 order by n.id limit 1');
    const answer = await push(alice, {
      clientId: 'tablet-1',
      checkpoints: since,
      changes: { nodes: { updated: [{ id, name: 'Updated' }], deleted: [999_999] }, notes: { deleted: [Number(note?.id)] } },
    });
    expect(answer.mappings).toEqual({ nodes: { newItems: [], failedItems: [] }, notes: { newItems: [], failedItems: [] } });
    expect(await nodeName(id)).toBe('Updated');
    expect(await count('select count(*) as n from sy_note where id = ?', [note?.id])).toBe(0);
  });

  it('returns invalid rows and rows outside the subject’s scopes as failed items, and applies the rest', async () => {
    const since = await checkpoints(alice, 'nodes', 'notes');
    const [foreign, other] = (await f.sql('select id from sy_node where center_id = 3 order by id limit 2')).map((row) => Number(row.id)) as [number, number];
    const answer = await push(alice, {
      clientId: 'tablet-1',
      checkpoints: since,
      changes: {
        nodes: {
          created: [
            newNode('ok-1'),
            { uuid: 'bad-1', name: '', center_id: 'one' },
            newNode('foreign-1', 3),
            newNode('nowhere', 99),
            { ...newNode('orphan-1'), parent_id: 'no-such-uuid' },
          ],
          updated: [{ id: foreign, name: 'Hacked' }],
          deleted: [other],
        },
        notes: { created: [{ uuid: 'foreign-note', node_id: foreign, text: 'on a node alice cannot see' }] },
      },
    });
    expect(answer.mappings.nodes?.newItems.map((item) => item.uuid)).toEqual(['ok-1']);
    const failed = (name: string) =>
      Object.fromEntries((answer.mappings[name]?.failedItems ?? []).map((item) => [item.uuid ?? item.id, item.errors.map((error) => error.field).sort()]));
    expect(failed('nodes')).toEqual({
      'bad-1': ['center_id', 'name'],
      'foreign-1': ['center_id'],
      nowhere: ['center_id'],
      'orphan-1': ['parent_id'],
      [String(foreign)]: ['id'],
    });
    expect(failed('notes')).toEqual({ 'foreign-note': ['node_id'] });
    expect(await nodeName(foreign)).not.toBe('Hacked');
    // A delete of a row outside the scopes is ignored, not applied.
    expect(await count('select count(*) as n from sy_node where id = ?', [other])).toBe(1);
    expect(await count("select count(*) as n from sync_item where uuid in ('bad-1', 'foreign-1', 'nowhere', 'orphan-1', 'foreign-note')")).toBe(0);
  });

  it('fails with SYNC_CONFLICT and the server’s rows when someone else changed a row since the checkpoint, and applies nothing', async () => {
    const since = await checkpoints(alice, 'nodes', 'notes');
    const id = await firstNode(1);
    const em = f.em();
    (await em.findOneOrFail(Node, id)).name = 'changed meanwhile';
    await em.flush();
    const request = {
      clientId: 'tablet-1',
      checkpoints: since,
      changes: { notes: { created: [{ uuid: 'conflicted-note', node_id: id, text: 'x' }] }, nodes: { updated: [{ id, name: 'mine' }] } },
    };
    const error = await push(alice, request).catch((caught: { code: string; details: unknown }) => caught);
    expect(error).toMatchObject({
      code: 'SYNC_CONFLICT',
      details: { conflicts: [{ mapping: 'nodes', id: String(id), row: expect.objectContaining({ id, name: 'changed meanwhile', center_id: 1 }) }] },
    });
    expect(await count("select count(*) as n from sync_item where uuid = 'conflicted-note'")).toBe(0);
    expect(await nodeName(id)).toBe('changed meanwhile');
    // After pulling, the same change goes through.
    const fresh = await checkpoints(alice, 'nodes', 'notes');
    await push(alice, { ...request, checkpoints: fresh });
    expect(await nodeName(id)).toBe('mine');
  });

  it('with onConflict "return" leaves out only the rows someone else changed, answers them with the server rows, and applies the rest', async () => {
    const since = await checkpoints(alice, 'nodes');
    const [contested, ...untouched] = (await f.sql('select id from sy_node where center_id = 1 order by id limit 4')).map((row) => Number(row.id));
    const em = f.em();
    (await em.findOneOrFail(Node, contested as number)).name = 'theirs';
    await em.flush();
    const answer = await push(alice, {
      clientId: 'rxdb-1',
      checkpoints: since,
      onConflict: 'return',
      changes: { nodes: { updated: [contested, ...untouched].map((id) => ({ id: id as number, name: `mine ${id}` })) } },
    });
    expect(answer.conflicts).toEqual([{ mapping: 'nodes', id: String(contested), row: expect.objectContaining({ id: contested, name: 'theirs' }) }]);
    expect(await nodeName(contested as number)).toBe('theirs');
    for (const id of untouched) expect(await nodeName(id)).toBe(`mine ${id}`);
  });

  it('names the uuid of a client-created row when its delete is pulled, so the client can find it', async () => {
    const since = await checkpoints(alice, 'nodes');
    const created = await push(alice, { clientId: 'tablet-1', changes: { nodes: { created: [{ ...newNode('to-be-deleted'), name: 'short-lived' }] } } });
    const id = created.mappings.nodes?.newItems[0]?.id;
    const em = f.em();
    em.remove(await em.findOneOrFail(Node, Number(id)));
    await em.flush();
    const page = (await f.server.pull(f.em(), alice, { mappings: { nodes: since.nodes as string } })).mappings.nodes;
    expect(page?.deletes).toContain(id);
    expect(page?.newItems).toContainEqual({ uuid: 'to-be-deleted', id });
  });

  it('hands the pushing client its push’s side effects in its next pull: the rows a deletion cascaded to', async () => {
    const client = protocolClient(['nodes', 'notes']);
    await pullUntilDone(f, alice, client);
    const node = await firstNode(2);
    const notes = (await f.sql('select id from sy_note where node_id = ?', [node])).map((row) => String(row.id));
    expect(notes.length).toBeGreaterThan(0);
    for (const id of notes) expect(client.rows.get('notes')?.has(id)).toBe(true);
    await push(alice, { clientId: 'tablet-1', checkpoints: client.checkpoints as Record<string, string>, changes: { nodes: { deleted: [node] } } });
    await pullUntilDone(f, alice, client);
    expect(client.rows.get('nodes')?.has(String(node))).toBe(false);
    for (const id of notes) expect(client.rows.get('notes')?.has(id)).toBe(false);
  });

  async function untilWaiting(count: number): Promise<void> {
    // Where waits cannot be seen (SQLite's writers queue in the driver; MariaDB's processlist and innodb_trx do
    // not show them), a pause long enough for an in-process push to reach its wait stands in.
    const query = lockWaitersQuery[dialect];
    if (!query) return void (await sleep(300));
    const lockWaiters = async () => Number((await f.sql(query))[0]?.n);
    for (let waited = 0; (await lockWaiters()) < count; waited += 20) {
      if (waited > 10_000) throw new Error(`${count} lock waiters expected, ${await lockWaiters()} seen`);
      await sleep(20);
    }
  }

  it('lets exactly one of two pushes of the same row from the same checkpoint win; the other gets SYNC_CONFLICT', async () => {
    // Both pushes used to pass the conflict check before either had logged its change: both succeeded
    // and one edit vanished. A second session holds the first push after its write, before its commit.
    const since = await checkpoints(alice, 'nodes');
    const id = await firstNode(2);
    const session = await openOrm(f.database);
    const released = Promise.withResolvers<void>();
    const blocking = Promise.withResolvers<void>();
    // It inserts the first push's batch row uncommitted: that push's own insert of it waits, then rolls back.
    const blocker = session.em
      .fork()
      .transactional(async (em: EntityManager) => {
        // An embedded database's one writer would block the whole push: there the push itself is the race.
        if (dialectNamed(dialect).embedded) return blocking.resolve();
        await em
          .getConnection()
          .execute(
            'insert into sync_batch (client_id, batch_id, subject, response, created_at) values (?, ?, ?, ?, ?)',
            ['race-a', 'race-race-a', 'blocker', '{}', dialectNamed(dialect).timestamp(new Date())],
            'run',
            em.getTransactionContext(),
          );
        blocking.resolve();
        await released.promise;
        throw new Error('rolled back on purpose');
      })
      .catch(() => {});
    await blocking.promise;
    try {
      const edit = (clientId: string, name: string) =>
        outcome(f.server.push(f.em(), alice, { clientId, batchId: `race-${clientId}`, checkpoints: since, changes: { nodes: { updated: [{ id, name }] } } }));
      const first = edit('race-a', 'First');
      await untilWaiting(1);
      const second = edit('race-b', 'Second');
      await untilWaiting(2);
      released.resolve();
      const answers = await Promise.all([first, second]);
      const won = answers.map((answer) => typeof answer !== 'string');
      expect({ outcomes: answers.map((answer) => (typeof answer === 'string' ? answer : 'applied')).sort(), name: await nodeName(id) }).toEqual({
        outcomes: ['SYNC_CONFLICT', 'applied'],
        name: won[0] ? 'First' : 'Second',
      });
    } finally {
      released.resolve();
      await blocker;
      await session.close(true);
    }
  });

  it('does not exempt another user who sends the same client id from the conflict check', async () => {
    // The check skipped changes whose origin was the pushing client id, and that id was not bound to a user.
    const adminSince = await checkpoints(admin, 'nodes');
    const id = await firstNode(1, 'desc');
    const since = await checkpoints(alice, 'nodes');
    const edit = (subject: SyncSubject, from: Record<string, string>, name: string) =>
      outcome(
        f.server.push(f.em(), subject, {
          clientId: 'shared-id',
          batchId: `shared-${name}`,
          checkpoints: from,
          changes: { nodes: { updated: [{ id, name }] } },
        }),
      );
    expect(await edit(alice, since, 'Alice')).toMatchObject({ mappings: { nodes: { failedItems: [] } } });
    // Her own change is no conflict for her next push from the same checkpoint...
    expect(await edit(alice, since, 'Alice again')).toMatchObject({ mappings: { nodes: { failedItems: [] } } });
    // ...but it is for anyone else's, whatever client id they send.
    expect(await edit(admin, adminSince, 'Admin')).toBe('SYNC_CONFLICT');
    expect(await nodeName(id)).toBe('Alice again');
  });

  it('checks a create sent again for a row someone changed since: SYNC_CONFLICT, not an overwrite', async () => {
    const since = await checkpoints(alice, 'nodes');
    const created = await push(alice, { clientId: 'tablet-1', checkpoints: since, changes: { nodes: { created: [newNode('resent-1')] } } });
    const id = created.mappings.nodes?.newItems[0]?.id;
    const em = f.em();
    (await em.findOneOrFail(Node, Number(id))).name = 'Newer';
    await em.flush();
    // The device sends its create again from its old checkpoint: it used to overwrite "Newer".
    const resent = () => push(alice, { clientId: 'tablet-1', checkpoints: since, changes: { nodes: { created: [newNode('resent-1')] } } });
    expect(await outcome(resent())).toBe('SYNC_CONFLICT');
    expect(await nodeName(id)).toBe('Newer');
    // Without a checkpoint, any other writer's change since the row was made is a conflict too.
    expect(await outcome(push(alice, { clientId: 'tablet-1', changes: { nodes: { created: [newNode('resent-1')] } } }))).toBe('SYNC_CONFLICT');
  });

  it('refuses a client uuid made of digits, which would take over the server row of that id', async () => {
    const foreign = await firstNode(3);
    const answer = await push(alice, { clientId: 'tablet-1', changes: { nodes: { created: [newNode(String(foreign))] } } });
    expect(answer.mappings.nodes).toEqual({ newItems: [], failedItems: [{ uuid: String(foreign), errors: [{ field: 'uuid', message: expect.any(String) }] }] });
    expect(await count('select count(*) as n from sync_item where uuid = ?', [String(foreign)])).toBe(0);
    expect(await count('select count(*) as n from sy_node where center_id = 3 and id = ?', [foreign])).toBe(1);
  });

  it('leaves nothing behind when a push fails part-way', async () => {
    const before = await count('select count(*) as n from sy_node');
    // Every row is written (nodes, notes, their uuids, the batch's answer), then the log write before COMMIT fails.
    await f.sql('alter table sync_change rename to sync_change_gone');
    let failed: unknown;
    try {
      failed = await outcome(
        push(alice, {
          clientId: 'tablet-1',
          batchId: 'half-applied',
          changes: {
            nodes: { created: [newNode('half-node')] },
            notes: { created: [{ uuid: 'half-note', node_id: 'half-node', text: 'never' }] },
          },
        }),
      );
    } finally {
      await f.sql('alter table sync_change_gone rename to sync_change');
    }
    expect(typeof failed).toBe('string');
    expect(await count('select count(*) as n from sy_node')).toBe(before);
    expect(await count("select count(*) as n from sy_note where text = 'never'")).toBe(0);
    expect(await count("select count(*) as n from sync_item where uuid in ('half-node', 'half-note')")).toBe(0);
    expect(await count("select count(*) as n from sync_batch where batch_id = 'half-applied'")).toBe(0);
  });

  it('refuses malformed pushes with codes before writing anything', async () => {
    const since = await checkpoints(alice, 'nodes');
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    const cases: [PushRequest['changes'], Record<string, string>, string][] = [
      [{ nope: { created: [] } }, {}, 'SYNC_UNKNOWN_MAPPING'],
      [{ tags: { deleted: [1] } }, {}, 'SYNC_INVALID_BATCH'],
      [{ node_tags: { deleted: ['1:1'] } }, {}, 'SYNC_INVALID_BATCH'],
      [{ nodes: { created: [newNode('dup'), newNode('dup')] } }, {}, 'SYNC_INVALID_BATCH'],
      [{ nodes: { updated: [{ id: 1, name: 'x' }], deleted: [1] } }, since, 'SYNC_INVALID_BATCH'],
      // Updates and deletes need the checkpoint they were made from.
      [{ nodes: { updated: [{ id: 1, name: 'x' }] } }, {}, 'SYNC_INVALID_BATCH'],
      [{ nodes: { deleted: ids(600) }, notes: { deleted: ids(600) } }, since, 'SYNC_INVALID_BATCH'],
    ];
    const log = await f.log();
    for (const [changes, from, code] of cases)
      expect([changes, await outcome(push(alice, { clientId: 'c', checkpoints: from, changes }))]).toEqual([changes, code]);
    // Mappings a subject may not use are unknown to it.
    expect(await outcome(push({ ...alice, mappings: ['notes'] }, { clientId: 'c', changes: { nodes: { created: [newNode('hidden')] } } }))).toBe(
      'SYNC_UNKNOWN_MAPPING',
    );
    expect(await f.log()).toEqual(log);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { EventSubscriber } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { type DialectName, dialectNamed } from '@sluice/db';
import { createTestDatabase, describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SyncSubject, SyncSubscriber } from '../src/index.ts';
import { createFixture, type Fixture, mappings, Node, openOrm, Plain } from './fixture.ts';

const everything: SyncSubject = { id: 'commit-order', scopes: 'all' };

/** A random generator with a fixed seed, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

interface StressResult {
  committed: Set<string>;
  rolledBack: Set<string>;
  received: Set<string>;
}

/**
 * 16 writers, each running `perWriter` transactions that write one marked row, hold the transaction
 * open 0-25 ms and roll back 10% of the time, while one puller reads continuously. Every committed
 * mark must be received, no rolled-back one.
 */
async function stress(
  write: (mark: string, hold: () => Promise<void>, rollback: boolean) => Promise<void>,
  pull: () => Promise<string[]>,
  perWriter = 12,
): Promise<StressResult> {
  const result: StressResult = { committed: new Set(), rolledBack: new Set(), received: new Set() };
  const random = seeded(42);
  let writing = true;
  const writers = Array.from({ length: 16 }, async (_, writer) => {
    for (let n = 0; n < perWriter; n++) {
      const mark = `w${writer}-${n}`;
      const rollback = random() < 0.1;
      const hold = Math.floor(random() * 25);
      try {
        await write(mark, () => sleep(hold), rollback);
        result.committed.add(mark);
      } catch (error) {
        if (!rollback) throw error;
        result.rolledBack.add(mark);
      }
    }
  });
  const puller = (async () => {
    while (writing) {
      for (const mark of await pull()) result.received.add(mark);
      await sleep(1);
    }
    // Everything has committed: a final pull drains what is left.
    for (const mark of await pull()) result.received.add(mark);
  })();
  try {
    await Promise.all(writers);
  } finally {
    writing = false;
    await puller;
  }
  return result;
}

/** Holds the next transaction that commits, right before its COMMIT (after the subscribers before it), until released. */
class HoldBeforeCommit implements EventSubscriber {
  gate: { reached: () => void; released: Promise<void> } | null = null;

  async beforeTransactionCommit(): Promise<void> {
    const gate = this.gate;
    if (!gate) return;
    this.gate = null;
    gate.reached();
    await gate.released;
  }
}

const missed = (result: StressResult) => [...result.committed].filter((mark) => !result.received.has(mark));

/** An auto-increment column, as a naive change log would key its rows. */
const naiveKey: Record<DialectName, string> = {
  sqlite: 'integer primary key autoincrement',
  postgresql: 'bigserial primary key',
  mariadb: 'bigint auto_increment primary key',
};

/**
 * What a cursor on that key misses under the stress: many committed rows where transactions commit in
 * another order than they drew their keys; none on SQLite, whose one writer at a time makes allocation
 * order commit order.
 */
const naiveCursorMisses: Record<DialectName, 'none' | 'many'> = { sqlite: 'none', postgresql: 'many', mariadb: 'many' };

describeEachDialect('sync commit order', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture(dialect);
    await f.addNodes(12);
  });
  afterAll(() => f?.close());

  /** A client of `mapping` that keeps its checkpoint and returns what each pull brought. */
  function puller(mapping: string, read: (row: Record<string, unknown>) => string) {
    let checkpoint: string | null = null;
    return async (): Promise<string[]> => {
      const marks: string[] = [];
      for (let more = true; more; ) {
        const page = (await f.server.pull(f.em(), everything, { mappings: { [mapping]: checkpoint }, limit: 50 })).mappings[mapping];
        if (!page) throw new Error('no page');
        marks.push(...page.changes.map(read));
        checkpoint = page.checkpoint;
        more = page.hasMore;
      }
      return marks;
    };
  }

  const nodeIds = async () => (await f.sql('select id from sy_node order by id')).map((row) => Number(row.id));
  const rename = async (em: EntityManager, id: number, name: string) => {
    (await em.findOneOrFail(Node, id)).name = name;
    await em.flush();
  };
  const pullNames = () => puller('nodes', (row) => `${row.id}:${row.name}`);

  it('never hands out a change past a transaction that is still open', async () => {
    const [first, second] = (await nodeIds()) as [number, number];
    const pull = pullNames();
    await pull();
    const held = Promise.withResolvers<void>();
    const written = Promise.withResolvers<void>();
    const t1 = f.em().transactional(async (em) => {
      await rename(em, first, 'held open');
      written.resolve();
      await held.promise;
    });
    await written.promise;
    const t2 = f.em().transactional((em) => rename(em, second, 'committed'));
    const seen: string[] = [];
    try {
      // SQLite has one writer at a time: T2 waits for T1 there, so this moment cannot happen.
      if (!dialectNamed(dialect).embedded) {
        await t2;
        seen.push(...(await pull()));
        expect(seen).toContain(`${second}:committed`);
        expect(seen).not.toContain(`${first}:held open`);
      }
    } finally {
      held.resolve();
      await Promise.all([t1, t2]);
    }
    seen.push(...(await pull()));
    expect(seen).toContain(`${first}:held open`);
    expect(seen).toContain(`${second}:committed`);
  });

  it('never hands out a change past a transaction that numbered its log rows and has not committed yet', async () => {
    // The last moment a pull could get wrong: the writer's log rows are written with their version, and
    // only its COMMIT is left. A subscriber after the sync subscriber holds it right there.
    const hold = new HoldBeforeCommit();
    const holding = await openOrm(f.database, [new SyncSubscriber(mappings), hold]);
    try {
      const [first, second] = (await nodeIds()).slice(2, 4) as [number, number];
      const pull = pullNames();
      await pull();
      const reached = Promise.withResolvers<void>();
      const released = Promise.withResolvers<void>();
      hold.gate = { reached: reached.resolve, released: released.promise };
      const t1 = holding.em.fork().transactional((em) => rename(em, first, 'numbered, not committed'));
      await reached.promise;
      // A writer that comes later must not commit a version above the held one before it (it waits for
      // its number); were it let through, the pull must still not pass the held one. SQLite's one writer
      // at a time makes that moment impossible there (a second writer fails on the lock).
      const later = () => f.em().transactional((em) => rename(em, second, 'after the held one'));
      const t2 = dialectNamed(dialect).embedded ? null : later();
      const seen: string[] = [];
      try {
        await sleep(100);
        seen.push(...(await pull()));
        expect(seen).not.toContain(`${first}:numbered, not committed`);
      } finally {
        released.resolve();
        await Promise.all([t1, t2]);
      }
      if (!t2) await later();
      seen.push(...(await pull()));
      expect(seen).toContain(`${first}:numbered, not committed`);
      expect(seen).toContain(`${second}:after the held one`);
    } finally {
      await holding.close(true);
    }
  });

  it('takes the first writes of a fresh server process at once without a deadlock', async () => {
    // The first log write of a process used to create the clock row in the writer's transaction:
    // on MariaDB two such writers each held a shared lock on it and deadlocked.
    const fresh = await openOrm(f.database, [new SyncSubscriber(mappings)]);
    try {
      const ids = (await nodeIds()).slice(0, 6);
      const renamed = await Promise.allSettled(ids.map((id, index) => fresh.em.fork().transactional((em) => rename(em, id, `race ${index}`))));
      expect(renamed.map((settled) => settled.status)).toEqual(ids.map(() => 'fulfilled'));
      const names = await f.sql(`select name from sy_node where id in (${ids.join(', ')}) order by id`);
      expect(names.map((row) => row.name)).toEqual(ids.map((_, index) => `race ${index}`));
    } finally {
      await fresh.close(true);
    }
  });

  it('is not held back by a transaction open in another database of the same server', async () => {
    const other = await createTestDatabase(dialect);
    const elsewhereOrm = await openOrm(other);
    try {
      await elsewhereOrm.schema.create();
      const pull = pullNames();
      await pull();
      const [last] = (await nodeIds()).slice(-1) as [number];
      const held = Promise.withResolvers<void>();
      const written = Promise.withResolvers<void>();
      // A writer elsewhere on the server, open for the whole test: PostgreSQL's xmin would wait for it.
      const elsewhere = elsewhereOrm.em.fork().transactional(async (em) => {
        em.create(Plain, { id: 1, name: 'held' });
        await em.flush();
        written.resolve();
        await held.promise;
      });
      await written.promise;
      try {
        await f.em().transactional((em) => rename(em, last, 'past the other database'));
        expect(await pull()).toContain(`${last}:past the other database`);
      } finally {
        held.resolve();
        await elsewhere;
      }
    } finally {
      await elsewhereOrm.close(true);
      await other.drop();
    }
  });

  it('is not held back by an open transaction that wrote no synced row', async () => {
    // An idle-in-transaction session (`BEGIN; UPDATE something ...` left open) froze every pull on PostgreSQL.
    const pull = pullNames();
    await pull();
    const [last] = (await nodeIds()).slice(-1) as [number];
    await f.em().insert(Plain, { id: 1, name: 'plain' });
    const held = Promise.withResolvers<void>();
    const written = Promise.withResolvers<void>();
    // Its own connection, as a psql session or a batch job would be.
    const session = await openOrm(f.database);
    const hold = async (em: EntityManager, trx?: unknown) => {
      await em.getConnection().execute('update sy_plain set name = name where id = 1', [], 'run', trx as never);
      written.resolve();
      await held.promise;
    };
    // SQLite's transactions take the write lock: no writer could commit beside one, so there the session
    // holds no transaction.
    const idle = dialectNamed(dialect).embedded ? hold(session.em.fork()) : session.em.fork().transactional((em) => hold(em, em.getTransactionContext()));
    await written.promise;
    try {
      await f.em().transactional((em) => rename(em, last, 'past the idle session'));
      expect(await pull()).toContain(`${last}:past the idle session`);
      expect((await f.server.summary(f.em(), everything)).watermark.heldBackChanges).toBe(0);
    } finally {
      held.resolve();
      await idle;
      await session.close(true);
    }
  });

  it('receives every committed change and none rolled back, with 16 writers holding transactions open', async () => {
    const write = (mark: string, hold: () => Promise<void>, rollback: boolean) =>
      f.em().transactional(async (em) => {
        em.create(Node, { name: mark, centerId: 1 });
        await em.flush();
        await hold();
        if (rollback) throw new Error('rolled back on purpose');
      });
    const result = await stress(
      write,
      puller('nodes', (row) => String(row.name)),
    );
    expect(result.committed.size).toBeGreaterThan(150);
    expect(result.rolledBack.size).toBeGreaterThan(5);
    expect(missed(result)).toEqual([]);
    expect([...result.rolledBack].filter((mark) => result.received.has(mark))).toEqual([]);
  });

  it('test of the test: the same run catches the misses of a naive auto-increment cursor', async () => {
    const connection = f.orm.em.getConnection();
    await connection.execute(`create table naive_log (id ${naiveKey[dialect]}, mark varchar(20) not null)`);
    let cursor = 0;
    const write = (mark: string, hold: () => Promise<void>, rollback: boolean) =>
      f.em().transactional(async (em) => {
        await em.getConnection().execute('insert into naive_log (mark) values (?)', [mark], 'run', em.getTransactionContext());
        await hold();
        if (rollback) throw new Error('rolled back on purpose');
      });
    const pull = async () => {
      const rows = await connection.execute('select id, mark from naive_log where id > ? order by id', [cursor]);
      cursor = Math.max(cursor, ...rows.map((row) => Number(row.id)));
      return rows.map((row) => String(row.mark));
    };
    const result = await stress(write, pull);
    expect(result.committed.size).toBeGreaterThan(150);
    const misses = missed(result).length;
    expect(misses === 0 ? 'none' : misses > 10 ? 'many' : `only ${misses}`).toBe(naiveCursorMisses[dialect]);
  });
});

/**
 * Sync: `node bench/sync.bench.ts --dialects sqlite,postgresql,mariadb [--seconds 30] [--initial 100000]`.
 * On a fresh demo database per dialect:
 * 1. pull of 10,000 changes (pages of 1,000) over HTTP and in-process, against the hand-written
 *    keyset SELECT of the same rows; rounds interleaved, median and spread of 7;
 * 2. writer cost: a flush of 1,000 updates with and without the sync subscriber, interleaved;
 * 3. 20 pullers over HTTP while 4 writers commit for `--seconds`: pulls/s, changes/s, watermark lag,
 *    missed changes;
 * 4. initial sync of `--initial` rows by a new client over HTTP against a server in its own process:
 *    time, and the server's peak RSS (VmHWM) before and after.
 */

import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type DialectName, dialectNamed, isDialectName } from '@sluice/db';
import { SyncServer, SyncSubscriber } from '@sluice/sync';
import { createTestDatabase } from '@sluice/test-utils';
import { Center, Person } from '../apps/demo/src/db/entities/index.ts';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';
import { demoSyncMappings } from '../apps/demo/src/sync/demo-sync.ts';
import { login, startDemoServer } from './demo-server.ts';

const { values } = parseArgs({
  options: {
    dialects: { type: 'string', default: 'sqlite,postgresql,mariadb' },
    seconds: { type: 'string', default: '30' },
    initial: { type: 'string', default: '100000' },
  },
});
const everyone = { id: 'bench', scopes: 'all' as const };

function stats(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return `${median.toFixed(1)} ms (${(sorted[0] as number).toFixed(1)}-${(sorted.at(-1) as number).toFixed(1)})`;
}
const medianOf = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;

/** Runs the compared sides in alternating order, round after round; returns each side's times. */
async function interleaved(sides: Record<string, () => Promise<unknown>>, rounds = 7): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (const run of Object.values(sides)) await run();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse();
    for (const name of order) {
      const started = performance.now();
      await (sides[name] as () => Promise<unknown>)();
      times[name]?.push(performance.now() - started);
    }
  }
  return times;
}

async function httpPull(base: string, token: string, mapping: string, checkpoint: string | null, limit: number) {
  const response = await fetch(`${base}/api/sync/pull`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mappings: { [mapping]: checkpoint }, limit }),
  });
  if (response.status !== 200) throw new Error(`pull answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { mappings: Record<string, { changes: Record<string, unknown>[]; checkpoint: string; hasMore: boolean }> }).mappings[
    mapping
  ] as {
    changes: Record<string, unknown>[];
    checkpoint: string;
    hasMore: boolean;
  };
}

/** Pulls from `checkpoint` until nothing more; returns the rows and the final checkpoint. */
async function drain(base: string, token: string, mapping: string, checkpoint: string | null, limit = 1_000) {
  const rows: Record<string, unknown>[] = [];
  let at = checkpoint;
  for (let more = true; more; ) {
    const page = await httpPull(base, token, mapping, at, limit);
    rows.push(...page.changes);
    at = page.checkpoint;
    more = page.hasMore;
  }
  return { rows, checkpoint: at };
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024);
}

async function run(dialect: DialectName): Promise<void> {
  const initial = Number(values.initial);
  const database = await createTestDatabase(dialect);
  const { orm } = await openDatabase(database.url);
  const plain = (await openDatabase(database.url, { subscribers: [] })).orm;
  const syncOnly = (await openDatabase(database.url, { subscribers: [new SyncSubscriber(demoSyncMappings)] })).orm;
  try {
    await seedReferenceData(orm.em.fork());
    await seedPeople(orm.em.fork(), { people: Math.max(initial, 10_000), seed: 5 });
    const sync = new SyncServer({ mappings: demoSyncMappings });
    await sync.init(orm.em.fork());
    const server = await startDemoServer(database.url);
    try {
      const token = await login(server.base, 'admin');
      console.log(`## ${dialect}`);

      // 1. 10,000 changes after a checkpoint, pulled again and again from that checkpoint.
      const start = (await sync.summary(orm.em.fork(), everyone)).mappings.find((mapping) => mapping.name === 'people')?.checkpoint as string;
      const ids = (await orm.em.fork().find(Person, {}, { fields: ['id'], orderBy: { id: 'asc' }, limit: 10_000 })).map((person) => person.id);
      for (let from = 0; from < ids.length; from += 1_000) {
        const em = syncOnly.em.fork();
        const people = await em.find(Person, { id: { $in: ids.slice(from, from + 1_000) } });
        for (const person of people) person.lastName = `Changed ${person.id}`;
        await em.flush();
      }
      const connection = orm.em.fork().getConnection();
      const q = dialectNamed(dialect).quote;
      const hand = async () => {
        let after = 0;
        for (let rows = 0; rows < 10_000; ) {
          const page = await connection.execute(
            `select id, first_name, last_name, gender, birthdate, nationality, center_id from ${q('person')} where id > ? order by id limit 1000`,
            [after],
          );
          rows += page.length;
          after = Number(page.at(-1)?.id);
        }
      };
      // What a developer would write by hand for a change-log sync: the log joined to the rows, paged.
      const cast = { sqlite: 'integer', postgresql: 'bigint', mariadb: 'signed' }[dialect];
      const handJoin = async () => {
        let at = [0, 0];
        for (let rows = 0; rows < 10_000; ) {
          const page = await connection.execute(
            `select c.version, c.id as cid, p.id, p.first_name, p.last_name, p.gender, p.birthdate, p.nationality, p.center_id from sync_change c join ${q('person')} p on p.id = cast(c.row_id as ${cast}) where c.mapping = 'people' and c.version >= ? and (c.version > ? or c.id > ?) order by c.version, c.id limit 1000`,
            [at[0], at[0], at[1]],
          );
          rows += page.length;
          at = [Number(page.at(-1)?.version), Number(page.at(-1)?.cid)];
        }
      };
      const inProcess = async () => {
        let checkpoint = start;
        let rows = 0;
        for (let more = true; more; ) {
          const page = (await sync.pull(orm.em.fork(), everyone, { mappings: { people: checkpoint }, limit: 1_000 })).mappings.people;
          if (!page) throw new Error('no page');
          rows += page.changes.length;
          checkpoint = page.checkpoint;
          more = page.hasMore;
        }
        if (rows !== 10_000) throw new Error(`pulled ${rows} rows`);
      };
      const overHttp = async () => {
        const { rows } = await drain(server.base, token, 'people', start);
        if (rows.length !== 10_000) throw new Error(`pulled ${rows.length} rows over HTTP`);
      };
      const pulls = await interleaved({ http: overHttp, pull: inProcess, join: handJoin, select: hand });
      const ratio = (side: string, anchor: string) => (medianOf(pulls[side] as number[]) / medianOf(pulls[anchor] as number[])).toFixed(2);
      console.log(`pull 10,000 changes over HTTP: ${stats(pulls.http as number[])}`);
      console.log(
        `pull 10,000 changes in-process: ${stats(pulls.pull as number[])} = ${ratio('pull', 'join')}x the hand-written log join, ${ratio('pull', 'select')}x the plain table scan`,
      );
      console.log(`hand-written SELECT of the log joined to the rows: ${stats(pulls.join as number[])}`);
      console.log(`hand-written keyset SELECT of the same rows (no log): ${stats(pulls.select as number[])}`);

      // 2. Writer cost.
      let round = 0;
      const flushUpdates = (target: typeof orm) => async () => {
        const em = target.em.fork();
        const people = await em.find(Person, { id: { $lte: ids[999] as number } }, { orderBy: { id: 'asc' } });
        for (const person of people) person.firstName = `R${round++}`;
        const started = performance.now();
        await em.flush();
        return performance.now() - started;
      };
      const flushTimes = { off: [] as number[], on: [] as number[] };
      await flushUpdates(plain)();
      await flushUpdates(syncOnly)();
      for (let r = 0; r < 9; r++)
        for (const side of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const))
          flushTimes[side].push(await flushUpdates(side === 'on' ? syncOnly : plain)());
      console.log(
        `flush 1,000 updates: ${stats(flushTimes.off)} without sync, ${stats(flushTimes.on)} with = ${(medianOf(flushTimes.on) / medianOf(flushTimes.off)).toFixed(2)}x`,
      );

      // 3. 20 pullers while 4 writers commit.
      const seconds = Number(values.seconds);
      const startAt = (await drain(server.base, token, 'people', null, 1_000)).checkpoint;
      const marks = new Set<string>();
      let writing = true;
      const writers = Array.from({ length: 4 }, async (_, writer) => {
        for (let n = 0; writing; n++) {
          await syncOnly.em.fork().transactional(async (em) => {
            em.create(Person, { firstName: `mark-${writer}-${n}`, lastName: 'Load', center: em.getReference(Center, 1 + (n % 4)), createdAt: new Date() });
            await em.flush();
            await sleep(Math.random() * 10);
          });
          marks.add(`mark-${writer}-${n}`);
        }
      });
      const lag = { changes: 0, seconds: 0 };
      const watcher = (async () => {
        while (writing) {
          const { watermark } = await sync.summary(orm.em.fork(), everyone);
          lag.changes = Math.max(lag.changes, watermark.heldBackChanges);
          lag.seconds = Math.max(lag.seconds, watermark.heldBackSeconds);
          await sleep(200);
        }
      })();
      let pullCount = 0;
      let changeCount = 0;
      let writersDone = () => {};
      const finished = new Promise<void>((resolve) => {
        writersDone = resolve;
      });
      const pullers = Array.from({ length: 20 }, async () => {
        const seen = new Set<string>();
        let checkpoint = startAt;
        const pullOnce = async () => {
          const page = await httpPull(server.base, token, 'people', checkpoint, 500);
          pullCount += 1;
          changeCount += page.changes.length;
          for (const row of page.changes) seen.add(String(row.first_name));
          checkpoint = page.checkpoint;
          return page.hasMore;
        };
        while (writing) await pullOnce();
        // The last commits may still be under way: drain once every writer is done.
        await finished;
        while (await pullOnce());
        return seen;
      });
      const began = performance.now();
      await sleep(seconds * 1_000);
      writing = false;
      await Promise.all(writers);
      writersDone();
      await watcher;
      const seenSets = await Promise.all(pullers);
      const elapsed = (performance.now() - began) / 1_000;
      const missed = seenSets.map((seen) => [...marks].filter((mark) => !seen.has(mark)).length);
      console.log(
        `20 pullers, 4 writers, ${seconds} s: ${marks.size} commits, ${(pullCount / elapsed).toFixed(0)} pulls/s, ${(changeCount / elapsed).toFixed(0)} changes/s delivered, watermark lag max ${lag.changes} changes / ${lag.seconds} s, missed per puller: ${Math.max(...missed)}`,
      );

      // 4. Initial sync of a new client: everything in scope, pages of 1,000.
      const before = await peakRss(server.pid);
      const began4 = performance.now();
      const { rows } = await drain(server.base, token, 'people', null, 1_000);
      console.log(
        `initial sync of ${rows.length} people over HTTP: ${((performance.now() - began4) / 1_000).toFixed(2)} s; server peak RSS ${before} MB before, ${await peakRss(server.pid)} MB after`,
      );
    } finally {
      await server.stop();
    }
  } finally {
    await syncOnly.close(true);
    await plain.close(true);
    await orm.close(true);
    await database.drop();
  }
}

for (const dialect of values.dialects.split(',')) {
  if (!isDialectName(dialect)) throw new Error(`unknown dialect ${dialect}`);
  await run(dialect);
}

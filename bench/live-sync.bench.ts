/**
 * Live sync: `node bench/live-sync.bench.ts --dialects sqlite,postgresql,mariadb [--streams 1000] [--commits 40]`.
 * Per dialect on a fresh demo database (200 seeded people with their orders), demo servers in their own
 * processes (`apps/demo/src/main.ts`, as users run them):
 * 1. one server: `--streams` clients hold `/api/sync/stream` open (`watchPokes`, the client sluice ships);
 *    an order is changed by `PATCH /api/orders/:id` `--commits` times, at random gaps; for each commit,
 *    the time from the PATCH's answer (the commit) to each stream's poke;
 * 2. two servers on one database (PostgreSQL, MariaDB): the streams on one, the writes through the other.
 * Reports p50/p99/max over every (commit, stream) pair and the pokes that never came (within 5 s).
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type DialectName, isDialectName } from '@sluice/db';
import { watchPokes } from '@sluice/sync/rxdb';
import { createTestDatabase } from '@sluice/test-utils';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';
import { type DemoServer, login, startDemoServer } from './demo-server.ts';

const { values } = parseArgs({
  options: {
    dialects: { type: 'string', default: 'sqlite,postgresql,mariadb' },
    streams: { type: 'string', default: '1000' },
    commits: { type: 'string', default: '40' },
  },
});
const streamCount = Number(values.streams);
const commitCount = Number(values.commits);

// Every change writes a price never written before: an unchanged value is no change, and pokes nobody.
let price = 10_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;

/** Opens the streams on `reader`, changes an order through `writer` `commitCount` times; the latencies. */
async function measure(reader: DemoServer, writer: DemoServer, orders: number[]): Promise<{ latencies: number[]; missed: number; connected: number }> {
  const token = await login(reader.base, 'admin');
  const writeToken = await login(writer.base, 'admin');
  const stop = new AbortController();
  let committedAt = 0;
  let commit = -1;
  const poked = new Map<number, number[]>();
  // Each stream is a connection of its own (fetch's default agent does not cap them), as for clients on
  // their own devices; one latency per stream and commit, its first poke after the commit.
  for (let index = 0; index < streamCount; index++) {
    let seen = -2;
    void watchPokes({
      url: `${reader.base}/api/sync`,
      headers: () => ({ authorization: `Bearer ${token}` }),
      mappings: ['orders'],
      signal: stop.signal,
      onPoke: () => {
        if (seen === commit) return;
        seen = commit;
        poked.set(commit, [...(poked.get(commit) ?? []), performance.now() - committedAt]);
      },
    });
    if (index % 100 === 99) await sleep(50);
  }
  const change = async (waitMs: number) => {
    const response = await fetch(`${writer.base}/api/orders/${orders[Math.max(commit, 0) % orders.length]}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ totalPrice: ++price }),
    });
    committedAt = performance.now();
    if (response.status !== 200) throw new Error(`PATCH answered ${response.status}: ${await response.text()}`);
    for (let waited = 0; (poked.get(commit)?.length ?? 0) < streamCount && waited < waitMs; waited += 10) await sleep(10);
    return poked.get(commit) ?? [];
  };
  try {
    return await commitAndWait(change, (next) => {
      commit = next;
    });
  } finally {
    stop.abort();
  }
}

/** A first change, not counted, tells when every stream is connected; then the measured ones. */
async function commitAndWait(
  change: (waitMs: number) => Promise<number[]>,
  setCommit: (commit: number) => void,
): Promise<{ latencies: number[]; missed: number; connected: number }> {
  await sleep(3_000);
  const connected = (await change(60_000)).length;
  process.stderr.write(`${connected} streams listening\n`);
  const latencies: number[] = [];
  let missed = 0;
  for (let commit = 0; commit < commitCount; commit++) {
    setCommit(commit);
    await sleep(100 + Math.random() * 300);
    const mine = await change(5_000);
    latencies.push(...mine);
    missed += streamCount - mine.length;
    process.stderr.write(`commit ${commit + 1}/${commitCount}: ${mine.length} pokes\r`);
  }
  return { latencies: latencies.sort((a, b) => a - b), missed, connected };
}

function report(label: string, result: { latencies: number[]; missed: number; connected: number }): void {
  const { latencies: l } = result;
  console.log(
    `${label}: ${result.connected} streams, ${commitCount} commits, ${l.length} pokes; commit-to-poke p50 ${percentile(l, 50).toFixed(0)} ms, p99 ${percentile(l, 99).toFixed(0)} ms, max ${(l.at(-1) ?? 0).toFixed(0)} ms; missed ${result.missed}`,
  );
}

for (const dialect of values.dialects.split(',')) {
  if (!isDialectName(dialect)) throw new Error(`unknown dialect ${dialect}`);
  const database = await createTestDatabase(dialect as DialectName);
  const { orm } = await openDatabase(database.url);
  await seedReferenceData(orm.em.fork());
  await seedPeople(orm.em.fork(), { people: 200, seed: 11 });
  const orders = (await orm.em.getConnection().execute<{ id: number }[]>('select id from customer_order order by id limit 50')).map((row) => Number(row.id));
  await orm.close();
  const servers: DemoServer[] = [await startDemoServer(database.url, { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' })];
  try {
    report(`${dialect}, one server`, await measure(servers[0] as DemoServer, servers[0] as DemoServer, orders));
    if (dialect !== 'sqlite') {
      servers.push(await startDemoServer(database.url));
      report(`${dialect}, streams on one server, writes through another`, await measure(servers[0] as DemoServer, servers[1] as DemoServer, orders));
    }
  } finally {
    for (const server of servers) await server.stop();
    await database.drop();
  }
}

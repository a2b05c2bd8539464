/**
 * A new client's first sync: `node bench/initial-sync.bench.ts --dialects postgresql,sqlite [--people 100000] [--rounds 5]`
 * (the anchor speaks PostgreSQL and SQLite).
 * Per dialect, a fresh demo database with `--people` seeded people, and two servers in their own
 * processes: the demo (`apps/demo/src/main.ts`) and the hand-written anchor (bench/hand-sync-server.ts,
 * a keyset SELECT and `JSON.stringify` per page).
 * 1. Every person in pages of 1,000 over HTTP: sluice's `POST /api/sync/pull` against the anchor's
 *    pages, interleaved rounds; median and spread. Then an incremental pull of 10,000 people updated
 *    through the ORM, from where the first sync ended, against the anchor's pages of the same rows.
 * 2. WatermelonDB's first sync (`GET /api/sync/watermelon`, no `last_pulled_at`, one streamed answer)
 *    on a demo server just started: its peak RSS (VmHWM) against the same server's idle peak.
 */

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type DialectName, isDialectName } from '@sluice/db';
import { createTestDatabase } from '@sluice/test-utils';
import { Person } from '../apps/demo/src/db/entities/index.ts';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';
import { type DemoServer, freePort, login, startDemoServer } from './demo-server.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({
  options: {
    dialects: { type: 'string', default: 'postgresql,sqlite' },
    people: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
  },
});

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

/** The anchor in its own process, started like the demo; resolves once it listens. */
async function startHandServer(url: string): Promise<{ base: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'hand-sync-server.ts'), url, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((listening) => child.stdout?.once('data', () => listening()));
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** Every change to people from `from` (a first sync when null) through sluice's pull, pages of 1,000. */
async function sluicePull(base: string, token: string, from: string | null = null): Promise<{ count: number; checkpoint: string | null }> {
  let count = 0;
  let checkpoint: string | null = from;
  for (let more = true; more; ) {
    const response = await fetch(`${base}/api/sync/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mappings: { people: checkpoint }, limit: 1_000 }),
    });
    if (response.status !== 200) throw new Error(`pull answered ${response.status}`);
    const page = ((await response.json()) as { mappings: Record<string, unknown> }).mappings.people as {
      changes: unknown[];
      checkpoint: string;
      hasMore: boolean;
    };
    count += page.changes.length;
    checkpoint = page.checkpoint;
    more = page.hasMore;
  }
  return { count, checkpoint };
}

/** Every person after id `from` through the anchor's pages of 1,000. */
async function handPull(base: string, from = 0): Promise<number> {
  let count = 0;
  let after = from;
  for (let more = true; more; ) {
    const page = (await (await fetch(`${base}/people?after=${after}&limit=1000`)).json()) as { rows: unknown[]; after: number; hasMore: boolean };
    count += page.rows.length;
    after = page.after;
    more = page.hasMore;
  }
  return count;
}

async function run(dialect: DialectName): Promise<void> {
  const database = await createTestDatabase(dialect);
  const { orm } = await openDatabase(database.url);
  await seedReferenceData(orm.em.fork());
  await seedPeople(orm.em.fork(), { people: Number(values.people), seed: 3 });
  await orm.close();
  const servers: DemoServer[] = [];
  const hand = await startHandServer(database.url);
  try {
    servers.push(await startDemoServer(database.url));
    const demo = servers[0] as DemoServer;
    const token = await login(demo.base, 'admin');
    const initial = await sluicePull(demo.base, token);
    // The incremental pull: 10,000 people updated through the ORM (so the change log has them), pulled
    // from the first sync's end; the anchor reads the same 10,000 rows by a keyset range, as a
    // hand-written sync reads rows by an indexed `updated_at`.
    const writer = await openDatabase(database.url);
    const em = writer.orm.em.fork();
    const changed = await em.find(Person, {}, { orderBy: { id: 'desc' }, limit: 10_000 });
    for (const person of changed) person.lastName = `${person.lastName}*`;
    await em.flush();
    await writer.orm.close();
    const firstChanged = Math.min(...changed.map((person) => person.id)) - 1;
    const measures = {
      'paged initial sync (every person)': { sluice: async () => (await sluicePull(demo.base, token)).count, hand: () => handPull(hand.base) },
      'incremental pull (10,000 updated people)': {
        sluice: async () => (await sluicePull(demo.base, token, initial.checkpoint)).count,
        hand: () => handPull(hand.base, firstChanged),
      },
    };
    console.log(`## ${dialect}: ${initial.count} people through sluice's first sync`);
    for (const [what, sides] of Object.entries(measures)) {
      const counts = { sluice: await sides.sluice(), hand: await sides.hand() };
      const times: Record<keyof typeof sides, number[]> = { sluice: [], hand: [] };
      for (let round = 0; round < Number(values.rounds); round++) {
        for (const name of (round % 2 === 0 ? ['sluice', 'hand'] : ['hand', 'sluice']) as (keyof typeof sides)[]) {
          const began = performance.now();
          await sides[name]();
          times[name].push(performance.now() - began);
        }
      }
      const ratios = times.sluice.map((time, round) => time / (times.hand[round] as number));
      console.log(
        `${what}, pages of 1,000: sluice ${counts.sluice} rows in ${spread(times.sluice, 0)} ms, hand-written ${counts.hand} rows in ${spread(times.hand, 0)} ms, ratio ${spread(ratios, 2)}x`,
      );
    }

    // A server just started: its idle peak, then WatermelonDB's first sync of everything.
    const fresh = await startDemoServer(database.url);
    servers.push(fresh);
    const freshToken = await login(fresh.base, 'admin');
    await sleep(500);
    const idle = await peakRss(fresh.pid);
    const response = await fetch(`${fresh.base}/api/sync/watermelon`, { headers: { authorization: `Bearer ${freshToken}` } });
    const body = (await response.json()) as { changes: { people: { created: unknown[]; updated: unknown[] } } };
    const after = await peakRss(fresh.pid);
    console.log(
      `WatermelonDB first sync: ${body.changes.people.created.length + body.changes.people.updated.length} people; server peak RSS ${idle.toFixed(0)} MB idle, ${after.toFixed(0)} MB after = ${(after / idle).toFixed(2)}x`,
    );
  } finally {
    hand.stop();
    for (const server of servers) await server.stop();
    await database.drop();
  }
}

for (const dialect of values.dialects.split(',')) {
  if (!isDialectName(dialect)) throw new Error(`unknown dialect ${dialect}`);
  await run(dialect);
}

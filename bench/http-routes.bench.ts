/**
 * Requests per second over HTTP: `node --conditions=sluice-source bench/http-routes.bench.ts [--people 100000] [--seconds 20] [--rounds 5]`.
 * A fresh PostgreSQL demo database seeded as `npm run seed` seeds it (`--people` people, seed 1), and two
 * servers in their own processes at the same time: the demo as `npm start` runs it
 * (apps/demo/src/main.ts, session cache on) and the anchor bench/hand-http-server.ts (Fastify and the
 * bare `pg` pool, the same SQL and JSON). autocannon, 10 connections, takes the four routes in turn
 * for `--seconds` each, round after round: alice's 50-row people page on both, then one of her people
 * on both. Median (min-max) of requests/s and p99 latency; the ratio to the anchor within each round.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '@sluice/test-utils';
import autocannon from 'autocannon';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';
import { freePort, login, startDemoServer } from './demo-server.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({
  options: { people: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '20' }, rounds: { type: 'string', default: '5' } },
});

/** The anchor in its own process; resolves once it listens. */
async function startHandServer(url: string): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'hand-http-server.ts'), url, String(port), 'alice'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((listening) => child.stdout?.once('data', () => listening()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return { base: `http://127.0.0.1:${port}`, stop };
}

const database = await createTestDatabase('postgresql');
const { orm } = await openDatabase(database.url);
await seedReferenceData(orm.em.fork());
await seedPeople(orm.em.fork(), { people: Number(values.people), seed: 1 });
// One of alice's people (centers 1 and 2) in the middle of the table.
const [one] = await orm.em
  .getConnection()
  .execute<{ id: number }[]>('select min(id) as id from person where center_id in (1, 2) and id >= ?', [Math.floor(Number(values.people) / 2)]);
await orm.close();

const hand = await startHandServer(database.url);
const demo = await startDemoServer(database.url, { NODE_OPTIONS: '--conditions=sluice-source' });
try {
  const token = await login(demo.base, 'alice');
  const routes = {
    'people page, sluice (GET /api/people?limit=50)': { url: `${demo.base}/api/people?limit=50`, auth: true },
    'people page, hand-written': { url: `${hand.base}/people?limit=50`, auth: false },
    'one person, sluice (GET /api/people/:id)': { url: `${demo.base}/api/people/${one?.id}`, auth: true },
    'one person, hand-written': { url: `${hand.base}/people/${one?.id}`, auth: false },
  };
  for (const [name, { url, auth }] of Object.entries(routes)) {
    const response = await fetch(url, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) throw new Error(`${name}: answered ${response.status}`);
  }
  const samples: Record<string, { perSecond: number[]; p99: number[] }> = Object.fromEntries(
    Object.keys(routes).map((name) => [name, { perSecond: [], p99: [] }]),
  );
  const run = (url: string, auth: boolean, seconds: number) =>
    autocannon({ url, connections: 10, duration: seconds, headers: auth ? { authorization: `Bearer ${token}` } : {} });
  for (const { url, auth } of Object.values(routes)) await run(url, auth, 2); // warm-up
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, { url, auth }] of Object.entries(routes)) {
      const result = await run(url, auth, Number(values.seconds));
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      samples[name]?.perSecond.push(result.requests.average);
      samples[name]?.p99.push(result.latency.p99);
    }
  }
  console.log(
    `## HTTP, PostgreSQL, ${Number(values.people).toLocaleString('en-US')} seeded people, autocannon 10 connections, ${values.seconds} s x ${values.rounds} rounds`,
  );
  console.log('| route | requests/s | p99 latency (ms) | / hand-written |');
  console.log('| --- | --- | --- | --- |');
  const names = Object.keys(routes);
  for (const [index, name] of names.entries()) {
    const sample = samples[name] as { perSecond: number[]; p99: number[] };
    const twin = samples[names[index + 1] as string];
    const ratio =
      index % 2 === 0 && twin
        ? `${spread(
            sample.perSecond.map((value, i) => value / (twin.perSecond[i] as number)),
            2,
          )}x`
        : '';
    console.log(`| ${name} | ${spread(sample.perSecond, 0)} | ${spread(sample.p99, 1)} | ${ratio} |`);
  }
} finally {
  await Promise.all([demo.stop(), hand.stop()]);
  await database.drop();
}

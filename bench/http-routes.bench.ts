/**
 * Requests per second over HTTP: `node --conditions=sluice-source bench/http-routes.bench.ts [--people 100000] [--seconds 20] [--rounds 5]`.
 * PostgreSQL with `--people` people; one server process (bench/http-server.ts): the demo API plus
 * hand-written routes running the same SQL with the bare driver. autocannon, 10 connections, takes each
 * of the four routes in turn for `--seconds`, round after round: a logged-in 50-row people page
 * against its hand-written twin, and a logged-in single-row read against its twin. Median (min-max)
 * of requests/s and p99 latency; the ratio to the twin within each round.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { bulkPeopleDatabase } from './bulk-database.ts';
import { login } from './demo-server.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({
  options: { people: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '20' }, rounds: { type: 'string', default: '5' } },
});
const database = await bulkPeopleDatabase(Number(values.people));
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;

const server = spawn(process.execPath, ['--conditions=sluice-source', join(import.meta.dirname, 'http-server.ts'), database.url, String(port)], {
  stdio: 'inherit',
});
try {
  for (let attempt = 0; ; attempt++) {
    const up = await fetch(`${base}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (attempt > 300) throw new Error('server did not start');
    await sleep(100);
  }
  const token = await login(base, 'alice');
  const routes = {
    'people page, sluice (GET /api/people?limit=50)': { path: '/api/people?limit=50', auth: true },
    'people page, hand-written': { path: '/bench/people', auth: false },
    'one person, sluice (GET /api/people/:id)': { path: '/api/people/4242', auth: true },
    'one person, hand-written': { path: '/bench/people/4242', auth: false },
  };
  const samples: Record<string, { perSecond: number[]; p99: number[] }> = Object.fromEntries(
    Object.keys(routes).map((name) => [name, { perSecond: [], p99: [] }]),
  );
  const run = (path: string, auth: boolean, seconds: number) =>
    autocannon({ url: base + path, connections: 10, duration: seconds, headers: auth ? { authorization: `Bearer ${token}` } : {} });
  for (const { path, auth } of Object.values(routes)) await run(path, auth, 2); // warm-up
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, { path, auth }] of Object.entries(routes)) {
      const result = await run(path, auth, Number(values.seconds));
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      samples[name]?.perSecond.push(result.requests.average);
      samples[name]?.p99.push(result.latency.p99);
    }
  }
  console.log(
    `## HTTP, PostgreSQL, ${Number(values.people).toLocaleString('en-US')} people, autocannon 10 connections, ${values.seconds} s x ${values.rounds} rounds`,
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
  server.kill('SIGTERM');
  await new Promise((done) => server.once('exit', done));
  await database.drop();
}

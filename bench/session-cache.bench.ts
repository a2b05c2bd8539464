/**
 * Session cache: `node bench/session-cache.bench.ts --dialects sqlite,postgresql,mariadb [--seconds 5] [--rounds 5]`.
 * Two demo servers on one database, one remembering resolved sessions for 5 s (the default) and one
 * with `SESSION_CACHE_MS=0` (a session query per request). `--connections` clients call the
 * authenticated `GET /api/exports` (no query of its own) as fast as they can for `--seconds`; the two
 * servers take turns, round after round. Reports requests/s and p50/p99 latency, median and spread.
 */

import { parseArgs } from 'node:util';
import { type DialectName, isDialectName } from '@sluice/db';
import { createTestDatabase } from '@sluice/test-utils';
import { login, startDemoServer } from './demo-server.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({
  options: {
    dialects: { type: 'string', default: 'sqlite,postgresql,mariadb' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
  },
});

/** `connections` clients in a loop for `seconds`; returns requests/s and every latency in ms. */
async function load(base: string, token: string, seconds: number, connections: number) {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1_000;
  const client = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      const response = await fetch(`${base}/api/exports`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET /api/exports answered ${response.status}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  return { perSecond: latencies.length / seconds, latencies: latencies.sort((a, b) => a - b) };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

async function run(dialect: DialectName): Promise<void> {
  const database = await createTestDatabase(dialect);
  const port = 3800 + Math.floor(Math.random() * 90);
  // One at a time: the first start creates and seeds the database.
  const cached = await startDemoServer(database.url, { SESSION_CACHE_MS: '5000', PORT: String(port) });
  const uncached = await startDemoServer(database.url, { SESSION_CACHE_MS: '0', PORT: String(port + 100) });
  try {
    const sides = { 'cache 5 s': cached, 'no cache': uncached };
    const tokens = { 'cache 5 s': await login(cached.base, 'admin'), 'no cache': await login(uncached.base, 'admin') };
    const results: Record<string, { perSecond: number[]; p50: number[]; p99: number[] }> = {};
    const seconds = Number(values.seconds);
    const connections = Number(values.connections);
    for (const [name, server] of Object.entries(sides)) {
      results[name] = { perSecond: [], p50: [], p99: [] };
      await load(server.base, tokens[name as keyof typeof tokens], 1, connections);
    }
    for (let round = 0; round < Number(values.rounds); round++) {
      const order = round % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse();
      for (const name of order) {
        const side = name as keyof typeof sides;
        const { perSecond, latencies } = await load(sides[side].base, tokens[side], seconds, connections);
        const result = results[name] as { perSecond: number[]; p50: number[]; p99: number[] };
        result.perSecond.push(perSecond);
        result.p50.push(percentile(latencies, 0.5));
        result.p99.push(percentile(latencies, 0.99));
      }
    }
    for (const [name, result] of Object.entries(results)) {
      console.log(`${dialect}\t${name}\treq/s ${spread(result.perSecond, 0)}\tp50 ${spread(result.p50, 1)} ms\tp99 ${spread(result.p99, 1)} ms`);
    }
  } finally {
    await cached.stop();
    await uncached.stop();
    await database.drop();
  }
}

for (const dialect of (values.dialects as string).split(',')) {
  if (!isDialectName(dialect)) throw new Error(`unknown dialect ${dialect}`);
  await run(dialect);
}

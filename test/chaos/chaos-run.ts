import { setTimeout as sleep } from 'node:timers/promises';
import { type DialectName, dialectNamed } from '@sluice/db';
import { createTestDatabase, startTestS3, testRedisUrl, uniqueQueueName } from '@sluice/test-utils';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openDatabase } from '../../apps/demo/src/db/open-orm.ts';
import { type DemoServer, freePort, startDemoServer } from '../../bench/demo-server.ts';
import { call, login, pullUntilDone, pushPrice, type SyncClient, syncClient } from './chaos-clients.ts';
import { type ChaosHistory, checkSync, count, emptyHistory, rolledBackPrice } from './chaos-history.ts';
import { FaultProxy } from './fault-proxy.ts';

/** A seeded generator (mulberry32): the same seed gives the same schedule of faults and operations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface ChaosOptions {
  dialect: DialectName;
  seed: number;
  /** How long faults are injected; the run then heals and checks. */
  seconds: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  dialect: DialectName;
  seed: number;
  seconds: number;
  faults: Record<string, number>;
  operations: Record<string, number>;
  violations: string[];
}

const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };

function through(url: string, proxy: FaultProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}

function target(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
}

/** Runs one seeded chaos run on `dialect`: real servers, database, Redis and S3, faults, then the checker. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { dialect, seed, seconds } = options;
  const log = options.log ?? (() => {});
  // One stream per actor: the fault schedule a seed gives does not depend on how the workload's timing falls.
  const streams = new Map<string, () => number>();
  const stream = (actor: string) => {
    if (!streams.has(actor)) streams.set(actor, seededRandom(seed * 7_919 + streams.size + 1));
    return streams.get(actor) as () => number;
  };
  const random = stream('setup');
  const pick = <T>(values: readonly T[], from = random): T => values[Math.floor(from() * values.length)] as T;
  const history = emptyHistory();
  const shared = !dialectNamed(dialect).embedded;
  const database = await createTestDatabase(dialect);
  const s3 = await startTestS3();
  const s3Proxy = await FaultProxy.start(target(s3.endpoint, 80));
  const dbProxy = shared ? await FaultProxy.start(target(database.url, defaultPorts[dialect])) : null;
  const redisProxy = shared ? await FaultProxy.start(target(testRedisUrl(), 6379)) : null;
  const proxies = [s3Proxy, dbProxy, redisProxy].filter((proxy): proxy is FaultProxy => proxy !== null);
  const env: Record<string, string> = {
    ...s3.env,
    S3_ENDPOINT: `http://127.0.0.1:${s3Proxy.port}`,
    DEMO_PEOPLE: '2000',
    EXPORT_WORKERS: '1',
    EXPORT_LEASE_MS: '1500',
    EXPORT_CHECKPOINT_MS: '100',
    EXPORT_SWEEP_MS: '500',
    SESSION_CACHE_MS: '0',
    LOG_LEVEL: 'silent',
    ...(redisProxy ? { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`, EXPORT_QUEUE: uniqueQueueName('sluice-chaos') } : {}),
  };
  const url = dbProxy ? through(database.url, dbProxy) : database.url;
  // As a supervisor (systemd, Kubernetes) would: a server that exits while starting, because the
  // database connection was cut under it, is started again.
  const start = async (): Promise<DemoServer> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startDemoServer(url, { ...env, PORT: String(await freePort()) });
      } catch (error) {
        if (attempt === 5) throw error;
        log(`server failed to start (${(error as Error).message}); starting it again`);
      }
    }
  };
  // Several servers share a database on PostgreSQL and MariaDB; an SQLite file has one.
  const servers: (DemoServer | null)[] = [await start()];
  if (shared) servers.push(await start());
  const live = () => servers.filter((server): server is DemoServer => server !== null);
  const base = () => pick(live()).base;
  const first = live()[0] as DemoServer;
  const tokens = { alice: await login(first.base, 'alice'), admin: await login(first.base, 'admin') };
  const clients = [
    syncClient('alice-tablet-a', 'alice', tokens.alice),
    syncClient('alice-tablet-b', 'alice', tokens.alice),
    syncClient('admin-laptop', 'admin', tokens.admin),
  ];
  const probe = syncClient('alice-probe', 'alice', tokens.alice);
  for (const client of [...clients, probe]) await pullUntilDone(first.base, client);
  const initial = new Map(clients[2]?.rows);
  // The probe's order is written only by the probe, so "delivered" means its own value arrived.
  const [probeOrder, ...aliceOrders] = [...(clients[0]?.rows.keys() ?? [])] as [string, ...string[]];
  let price = 100_000 + seed * 1_000;
  const nextPrice = () => ++price;
  const until = Date.now() + seconds * 1_000;
  const running = () => Date.now() < until;
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch {
      count(history.operations, 'unanswered');
    }
  };

  /** An actor of the workload: `step` over and over with its own random stream, a pause of `pause` ms (min, spread) between. */
  const actor = async (name: string, pause: [number, number], step: (rnd: () => number) => Promise<void>) => {
    const rnd = stream(name);
    while (running()) {
      await attempt(() => step(rnd));
      await sleep(pause[0] + rnd() * pause[1]);
    }
  };

  const syncLoop = (client: SyncClient) =>
    actor(client.name, [20, 80], async (rnd) => {
      await pullUntilDone(base(), client);
      count(history.operations, 'pulls');
      if (rnd() < 0.6 && client.rows.size > 1) {
        const id = pick(
          [...client.rows.keys()].filter((candidate) => candidate !== probeOrder),
          rnd,
        );
        const value = nextPrice();
        const record = { client: client.name, id, price: value, checkpoint: client.checkpoint, status: 0 };
        history.pushes.push(record);
        record.status = await pushPrice(base(), client, client.checkpoint, id, value);
        count(history.operations, `push ${record.status}`);
      }
    });

  const apiWriter = () =>
    actor('api', [30, 120], async (rnd) => {
      const id = pick(aliceOrders, rnd);
      const patch = { price: nextPrice(), status: 0 };
      history.patches.set(id, [...(history.patches.get(id) ?? []), patch]);
      patch.status = (await call(base(), tokens.admin, 'PATCH', `/api/orders/${id}`, { totalPrice: patch.price })).status;
      count(history.operations, `patch ${patch.status}`);
    });

  const taskMaker = () =>
    actor('tasks', [2_500, 2_000], async () => {
      const answer = await call(base(), tokens.alice, 'POST', '/api/export-tasks', listPeople);
      if (answer.status === 202) history.tasks.push({ id: Number(answer.json?.id), user: 'alice' });
      count(history.operations, `task ${answer.status}`);
    });

  const rnd = stream('faults');
  /** Both tablets push the same orders from the same checkpoint at the same instant, to one server or two. */
  const race = async () => {
    const [a, b] = clients as [SyncClient, SyncClient];
    await pullUntilDone(base(), a);
    const checkpoint = a.checkpoint;
    const servers = [base(), base()];
    await Promise.all(
      [0, 1, 2].map(async () => {
        const id = pick(aliceOrders, rnd);
        const records = [a, b].map((client) => ({ client: client.name, id, price: nextPrice(), checkpoint, status: 0 }));
        history.pushes.push(...records);
        await Promise.all(
          [a, b].map(async (client, index) => {
            const record = records[index] as (typeof records)[number];
            record.status = await pushPrice(servers[index] as string, client, checkpoint, id, record.price).catch(() => 0);
          }),
        );
        count(
          history.operations,
          `race ${records
            .map((record) => record.status)
            .sort()
            .join('/')}`,
        );
      }),
    );
  };

  /** A session that updates a table sluice does not sync and sits idle in its transaction. */
  const hold = async () => {
    const heldMs = 1_500 + Math.floor(rnd() * 1_000);
    const release = await openIdleTransaction(dialect, database.url);
    try {
      const id = probeOrder;
      const value = nextPrice();
      const server = base();
      const patch = { price: value, status: 0 };
      history.patches.set(id, [...(history.patches.get(id) ?? []), patch]);
      patch.status = (await call(server, tokens.admin, 'PATCH', `/api/orders/${id}`, { totalPrice: value }).catch(() => null))?.status ?? 0;
      if (patch.status !== 200) return;
      let delivered: boolean | null = false;
      for (const deadline = Date.now() + heldMs; Date.now() < deadline && !delivered; await sleep(100)) {
        try {
          await pullUntilDone(server, probe);
          delivered = probe.rows.get(id) === value;
        } catch {
          delivered = null;
          break;
        }
      }
      history.probes.push({ delivered, heldMs });
      count(history.operations, `probe ${delivered === null ? 'inconclusive' : delivered ? 'delivered' : 'held back'}`);
    } finally {
      await release();
    }
  };

  /** A writer whose transaction rolls back after writing a value no client may ever see. */
  const rollback = async () => {
    const release = await openIdleTransaction(
      dialect,
      database.url,
      `update customer_order set total_price = ${rolledBackPrice} where id = ${Number(pick(aliceOrders, rnd))}`,
    );
    await sleep(200 + rnd() * 400);
    await release();
  };

  const restarts: Promise<void>[] = [];
  const kill = async (signal: NodeJS.Signals) => {
    const index = Math.floor(rnd() * servers.length);
    const server = servers[index];
    const pause = 200 + rnd() * 600;
    // Keep one server up on a shared database, so the run goes on while the other one restarts.
    if (!server || (shared && live().length < 2)) return;
    servers[index] = null;
    // In the background: a SIGTERMed server drains its requests and tasks while the faults go on.
    restarts.push(
      (async () => {
        const stopping = Date.now();
        await server.kill(signal);
        log(`${signal}: exited after ${Date.now() - stopping} ms`);
        await sleep(pause);
        servers[index] = await start();
      })(),
    );
  };

  const faults: [string, number, () => Promise<void>][] = [
    ['server SIGKILL', 3, () => kill('SIGKILL')],
    ['server SIGTERM', 2, () => kill('SIGTERM')],
    ['concurrent pushes', 3, race],
    ['S3 cut', 1, async () => s3Proxy.cut()],
    ['S3 delay', 1, () => s3Proxy.delay(150, 800)],
    ...(shared
      ? ([
          ['transaction held open', 2, hold],
          ['rolled-back writer', 1, rollback],
          ['database cut', 1, async () => dbProxy?.cut()],
          ['database delay', 1, () => (dbProxy as FaultProxy).delay(100, 600)],
          ['Redis cut', 1, async () => redisProxy?.cut()],
        ] as [string, number, () => Promise<void>][])
      : []),
  ];
  const weights = faults.reduce((sum, [, weight]) => sum + weight, 0);
  const chaos = async () => {
    while (running()) {
      await sleep(400 + rnd() * 900);
      let roll = rnd() * weights;
      const fault =
        faults.find(([, weight]) => {
          roll -= weight;
          return roll < 0;
        }) ?? (faults[0] as (typeof faults)[number]);
      count(history.faults, fault[0]);
      log(`fault: ${fault[0]}`);
      await attempt(fault[2]);
    }
  };

  try {
    await Promise.all([...clients.map(syncLoop), apiWriter(), taskMaker(), chaos()]);
    await Promise.all(restarts);
    const healing = Date.now();
    await heal(history, live(), clients, tokens, log);
    const truth = await pricesByUser(database.url);
    checkSync(history, clients, truth, initial);
    log(`checked after ${Date.now() - healing} ms of healing`);
  } finally {
    await Promise.all(restarts.map((restart) => restart.catch(() => {})));
    await Promise.all(live().map((server) => server.stop()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await s3.close();
    await database.drop();
  }
  for (const proxy of proxies) {
    count(history.faults, 'connections cut', proxy.injected.cuts);
  }
  return { dialect, seed, seconds, faults: history.faults, operations: history.operations, violations: history.violations };
}

/** Faults are over: every task ends, every client catches up; tasks are checked here. */
async function heal(
  history: ChaosHistory,
  servers: DemoServer[],
  clients: SyncClient[],
  tokens: { alice: string },
  log: (line: string) => void,
): Promise<void> {
  const server = servers[0] as DemoServer;
  const direct = await (
    await fetch(`${server.base}/api/exports/download`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify(listPeople),
    })
  ).text();
  for (const task of history.tasks) {
    let status = '';
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(200)) {
      status = (await call(server.base, tokens.alice, 'GET', `/api/export-tasks/${task.id}`)).json?.status ?? '';
      if (['succeeded', 'failed', 'cancelled'].includes(status)) break;
    }
    count(history.operations, `task ${status}`);
    if (status !== 'succeeded') {
      const row = (await call(server.base, tokens.alice, 'GET', `/api/export-tasks/${task.id}`)).json;
      history.violations.push(`task ${task.id} ended ${status || 'never'}: ${row?.error?.code ?? ''} ${row?.error?.message ?? ''}`);
      continue;
    }
    const file = await fetch(`${server.base}/api/export-tasks/${task.id}/download`, { headers: { authorization: `Bearer ${tokens.alice}` } });
    if ((await file.text()) !== direct) history.violations.push(`task ${task.id}'s file differs from its rows`);
  }
  for (const client of clients) await pullUntilDone(server.base, client);
  log(`healed: ${history.tasks.length} tasks checked`);
}

/** Order prices in each user's scope, read from the database itself. */
async function pricesByUser(url: string): Promise<Map<string, Map<string, number>>> {
  const { orm } = await openDatabase(url, {}, { readOnly: true });
  try {
    const rows = await orm.em
      .fork()
      .getConnection()
      .execute('select o.id, o.total_price, p.center_id from customer_order o join person p on p.id = o.person_id');
    const prices = (keep: (center: number) => boolean) =>
      new Map(rows.filter((row) => keep(Number(row.center_id))).map((row) => [String(row.id), Number(row.total_price)]));
    return new Map([
      ['alice', prices((center) => center === 1 || center === 2)],
      ['admin', prices(() => true)],
    ]);
  } finally {
    await orm.close(true);
  }
}

/**
 * Opens a transaction on its own connection (not through the proxy) that runs `statement` and stays
 * open until the returned function rolls it back.
 */
async function openIdleTransaction(dialect: DialectName, url: string, statement = 'update center set name = name where id = 3'): Promise<() => Promise<void>> {
  const session = await idleSessions[dialect](url);
  await session.query('begin');
  await session.query(statement);
  return async () => {
    await session.query('rollback').catch(() => {});
    await session.end();
  };
}

/** A connection of its own to a database server, which a shared-database run holds transactions open on. */
const idleSessions: Record<DialectName, (url: string) => Promise<{ query(sql: string): Promise<unknown>; end(): Promise<void> }>> = {
  async postgresql(url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  },
  mariadb: (url) => mysql.createConnection(url.replace(/^mariadb:/, 'mysql:')),
  sqlite: () => Promise.reject(new Error('an embedded database has no second session to hold a transaction open')),
};

const defaultPorts: Record<DialectName, number> = { postgresql: 5432, mariadb: 3306, sqlite: 0 };

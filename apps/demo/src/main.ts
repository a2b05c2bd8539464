/**
 * `npm start`: migrates the database in DATABASE_URL, seeds demo data when it is empty, and serves
 * the API on PORT with an in-process export worker (BullMQ when REDIS_URL is set) and the schedule
 * runner of saved exports (unless SCHEDULES=off) until SIGTERM or
 * SIGINT, then drains requests, requeues running export tasks and closes the database.
 */
import { tuneForStreaming } from '@sluice/export';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/open-orm.ts';
import { exclusively } from './db/startup-lock.ts';
import { openTaskStorage } from './exports/demo-task-storage.ts';
import { startDemoExportTasks } from './exports/export-tasks.ts';
import { buildApp } from './http/build-app.ts';
import { webUiBuilt, webUiDirectory } from './http/web-ui.ts';
import { isDatabaseEmpty, seedPeople, seedReferenceData } from './seed/seed-database.ts';
import { startDemoSync } from './sync/sync-server.ts';

// The server runs export tasks in-process and streams first syncs: keep their row garbage young and
// the old generation near its live size (see tuneForStreaming).
tuneForStreaming({ heapGrowingPercent: 30 });
const config = loadConfig();
const { orm, dialect } = await openDatabase(config.databaseUrl);
const tasks = await startDemoExportTasks(orm.em, {
  directory: config.exportDirectory,
  storage: await openTaskStorage(config),
  queueName: config.exportQueue,
  tuning: { leaseMs: config.exportTuning.leaseMs, checkpointMs: config.exportTuning.checkpointMs },
  redisUrl: config.redisUrl,
  workers: config.exportWorkers,
  worker: { onError: (error) => app.log.error({ err: error }, 'export worker error') },
  delivery: config.delivery,
  deliveryTuning: { onError: (error) => app.log.error({ err: error }, 'delivery worker error') },
  schedules: config.schedules,
  scheduleTuning: { onError: (error) => app.log.error({ err: error }, 'schedule runner error') },
});
const app = await buildApp({
  orm,
  sessionTtlSeconds: config.sessionTtlSeconds,
  sessionCacheMs: config.sessionCacheMs,
  cursorSecret: config.cursorSecret,
  logger: { level: config.logLevel },
  exportTasks: tasks.service,
  savedExports: tasks.savedExports,
  sync: await startDemoSync(orm.em),
  loginThrottle: { redisUrl: config.redisUrl },
  webUiDirectory: webUiBuilt() ? webUiDirectory : undefined,
});
if (!webUiBuilt()) app.log.warn('the web UI is not built (npm run build -w @sluice/web): serving the API only');

// Servers that start together on an empty database seed it once.
await exclusively(orm, dialect, async () => {
  const em = orm.em.fork();
  if (!(await isDatabaseEmpty(em))) return;
  app.log.info({ people: config.demoPeople, dialect: dialect.name }, 'empty database: seeding demo data');
  await seedReferenceData(em);
  const summary = await seedPeople(em, { people: config.demoPeople, seed: 1 });
  app.log.info(summary, 'demo data seeded');
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  // Running export tasks stop at their next batch and go back to the queue with their checkpoint.
  await tasks.close();
  await orm.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port: config.port, host: config.host });

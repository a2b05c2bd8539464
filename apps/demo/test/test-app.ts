import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { DialectName } from '@sluice/db';
import type { ExportTaskView } from '@sluice/export';
import { createTestDatabase, type TestDatabase } from '@sluice/test-utils';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openDatabase } from '../src/db/open-orm.ts';
import { type DemoExportTasks, type DemoTaskOptions, startDemoExportTasks } from '../src/exports/export-tasks.ts';
import { buildApp } from '../src/http/build-app.ts';
import type { LoginThrottleOptions } from '../src/http/login-throttle.ts';
import { webUiDirectory } from '../src/http/web-ui.ts';
import { seedPeople, seedReferenceData } from '../src/seed/seed-database.ts';
import { startDemoSync } from '../src/sync/sync-server.ts';

/** The demo app on a fresh, migrated and seeded database of one dialect. */
export interface TestApp {
  app: FastifyInstance;
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  dialect: DialectName;
  database: TestDatabase;
  tasks: DemoExportTasks;
  /** Where this app's export task files go. */
  exportDirectory: string;
  /** Logs in and returns the bearer token. */
  login(username: string, password?: string): Promise<string>;
  /** Sends a request as the holder of `token`. */
  request(token: string | null, method: string, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  /** Reads export task `id` as the holder of `token` until it is no longer queued or running; its view. */
  waitForTask(token: string, id: number): Promise<ExportTaskView>;
  close(): Promise<void>;
}

/** Starts the app on a new database with `people` generated people (seed 7). */
export async function startTestApp(
  dialect: DialectName,
  options: {
    people?: number;
    sessionTtlSeconds?: number;
    sessionCacheMs?: number;
    tasks?: Partial<DemoTaskOptions>;
    loginThrottle?: Partial<LoginThrottleOptions>;
    /** Serve the built web UI (`apps/web/dist`) at `/`. */
    webUi?: boolean;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const { orm } = await openDatabase(database.url);
  const em = orm.em.fork();
  await seedReferenceData(em);
  await seedPeople(em, { people: options.people ?? 120, seed: 7 });
  const exportDirectory = await mkdtemp(join(tmpdir(), 'sluice-exports-'));
  const tasks = await startDemoExportTasks(orm.em, { directory: exportDirectory, workers: 1, worker: { pollMs: 50 }, ...options.tasks });
  const app = await buildApp({
    orm,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 3600,
    sessionCacheMs: options.sessionCacheMs,
    cursorSecret: 'test-secret',
    exportTasks: tasks.service,
    savedExports: tasks.savedExports,
    eventPollMs: 50,
    sync: await startDemoSync(orm.em),
    // Suites log in often; the throttle's own test sets low limits.
    loginThrottle: { perAddress: 10_000, perAccount: 10_000, ...options.loginThrottle },
    webUiDirectory: options.webUi ? webUiDirectory : undefined,
  });
  const request: TestApp['request'] = (token, method, url, payload) =>
    app.inject({ method: method as 'GET', url, payload: payload as never, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return {
    app,
    orm,
    dialect,
    database,
    tasks,
    exportDirectory,
    request,
    waitForTask: async (token, id) => {
      for (let poll = 0; poll < 400; poll++) {
        const task = (await request(token, 'GET', `/api/export-tasks/${id}`)).json();
        if (!['queued', 'running'].includes(task.status)) return task;
        await new Promise((wake) => setTimeout(wake, 25));
      }
      throw new Error(`task ${id} did not end`);
    },
    login: async (username, password = username) => {
      const response = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
      if (response.statusCode !== 200) throw new Error(`login ${username} failed: ${response.body}`);
      return response.json().token as string;
    },
    close: async () => {
      await tasks.close();
      await app.close();
      await orm.close(true);
      await database.drop();
      await rm(exportDirectory, { recursive: true, force: true });
    },
  };
}

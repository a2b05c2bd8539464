import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuditRevision } from '@sluice/audit';
import { dialectNamed } from '@sluice/db';
import { ExportTask, ExportTaskService } from '@sluice/export';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Person } from '../src/db/entities/index.ts';
import { type Database, openDatabase } from '../src/db/open-orm.ts';
import { demoTaskConfig } from '../src/exports/export-tasks.ts';
import { exportUser } from '../src/exports/export-user.ts';
import { seedPeople, seedReferenceData } from '../src/seed/seed-database.ts';

const root = join(import.meta.dirname, '../../..');
const run = promisify(execFile);

let exportDirectory = '';
const environment = (databaseUrl: string) => ({ ...process.env, DATABASE_URL: databaseUrl, EXPORT_DIR: exportDirectory, REDIS_URL: '' });

async function sluice(databaseUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'packages/cli/src/bin.ts'), ...args], { cwd: root, env: environment(databaseUrl) });
    return { code: 0, stdout, stderr };
  } catch (failure) {
    const { code, stdout, stderr } = failure as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describeEachDialect('sluice CLI (demo config)', (dialect) => {
  let database: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = await openDatabase(database.url);
    await seedReferenceData(db.orm.em.fork());
    await seedPeople(db.orm.em.fork(), { people: 300, seed: 7 });
    exportDirectory = await mkdtemp(join(tmpdir(), 'sluice-cli-exports-'));
  });
  afterAll(async () => {
    await db.orm.close(true);
    await database.drop();
    await rm(exportDirectory, { recursive: true, force: true });
  });

  const alice = exportUser({ id: 2, username: 'alice', roles: ['EXPORT'], centerIds: [1, 2] });
  const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };
  const queue = async (count: number) => {
    const service = new ExportTaskService(demoTaskConfig(db.orm.em, { directory: exportDirectory }));
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push((await service.create(listPeople, alice)).id);
    return ids;
  };
  const load = (id: number) => db.orm.em.fork().findOneOrFail(ExportTask, { id });
  const settleQueue = async () => {
    // Earlier tests' leftovers must not be picked up by process-all.
    await db.orm.em.fork().nativeUpdate(ExportTask, { status: 'queued' }, { status: 'cancelled' });
  };

  it('export:process runs one task; again only with --force', async () => {
    await settleQueue();
    const [id] = await queue(1);
    const first = await sluice(database.url, 'export:process', String(id));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(new RegExp(`task ${id} \\(list_people\\): succeeded, \\d+ rows`));
    const done = await load(id as number);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });

    const again = await sluice(database.url, 'export:process', String(id));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/EXPORT_TASK_NOT_CLAIMABLE.*--force/);
    expect((await load(id as number)).fileKey).toBe(done.fileKey);

    const forced = await sluice(database.url, 'export:process', String(id), '--force');
    expect(forced.code, forced.stderr).toBe(0);
    const rerun = await load(id as number);
    expect(rerun).toMatchObject({ status: 'succeeded', attempts: 1, processedCount: done.processedCount });
    expect(rerun.fileKey).not.toBe(done.fileKey);
    expect(await readdir(exportDirectory)).not.toContain(done.fileKey);
    expect((await sluice(database.url, 'export:process', 'abc')).code).toBe(2);
    expect((await sluice(database.url, 'export:process', '999999')).code).toBe(2);
  });

  it('export:process-all honours --limit (0: no limit)', async () => {
    await settleQueue();
    const ids = await queue(3);
    const limited = await sluice(database.url, 'export:process-all', '--limit=2');
    expect(limited.code, limited.stderr).toBe(0);
    expect(limited.stdout).toMatch(/2 task\(s\) run, 0 not succeeded/);
    expect((await Promise.all(ids.map(load))).map((task) => task.status)).toEqual(['succeeded', 'succeeded', 'queued']);
    const rest = await sluice(database.url, 'export:process-all', '--limit=0');
    expect(rest.stdout).toMatch(/1 task\(s\) run/);
    expect((await load(ids[2] as number)).status).toBe('succeeded');
    expect((await sluice(database.url, 'export:process-all', '--limit=-1')).code).toBe(2);
  });

  it('export:run writes the same file as a task, with no task row', async () => {
    await settleQueue();
    const [id] = await queue(1);
    expect((await sluice(database.url, 'export:process', String(id))).code).toBe(0);
    const task = await load(id as number);
    const request = join(exportDirectory, 'request.json');
    const out = join(exportDirectory, 'direct.csv');
    await writeFile(request, JSON.stringify(listPeople));
    const before = await db.orm.em.fork().count(ExportTask, {});
    const result = await sluice(database.url, 'export:run', '--request', request, '--out', out, '--user', '2');
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(await readFile(join(exportDirectory, task.fileKey as string), 'utf8'));
    expect(result.stderr).toMatch(new RegExp(`list_people: ${(task.processedCount).toLocaleString('en-US')} rows, `));
    expect(await db.orm.em.fork().count(ExportTask, {})).toBe(before);
    expect((await sluice(database.url, 'export:run', '--request', request, '--out', out, '--user', '3')).stderr).toMatch(/EXPORT_FORBIDDEN/);
  });

  it('export:run refuses an unwritable --out before any row, for every formatter, without a stack trace', async () => {
    const request = join(exportDirectory, 'request-xlsx.json');
    for (const alias of ['csv_list', 'xlsx', 'ods']) {
      await writeFile(request, JSON.stringify({ export: 'list_people', formatter: { alias } }));
      const result = await sluice(database.url, 'export:run', '--request', request, '--out', join(exportDirectory, 'missing', 'x.bin'), '--user', '2');
      expect({ alias, code: result.code, stderr: result.stderr }).toEqual({ alias, code: 2, stderr: expect.stringMatching(/CLI_OUTPUT_UNWRITABLE/) });
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('export:list on a database that does not exist fails cleanly and creates nothing', async () => {
    // It used to create a missing PostgreSQL or MariaDB database, then fail on its missing tables.
    const url = new URL(database.url.replace(/^sqlite:/, 'sqlite://x'));
    const name = `${url.pathname
      .split('/')
      .pop()
      ?.replace(/\.sqlite$/, '')}_missing`;
    const missing = dialectNamed(dialect).embedded ? `sqlite:${join(tmpdir(), `${name}.sqlite`)}` : database.url.replace(/[^/]+$/, name);
    const result = await sluice(missing, 'export:list');
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const exists = {
      sqlite: async () => (await readdir(tmpdir())).includes(`${name}.sqlite`),
      postgresql: async () => (await db.orm.em.getConnection().execute('select 1 from pg_database where datname = ?', [name])).length > 0,
      mariadb: async () => (await db.orm.em.getConnection().execute('select 1 from information_schema.schemata where schema_name = ?', [name])).length > 0,
    }[dialect];
    expect(await exists()).toBe(false);
  });

  it('debug --help says what debug does instead of running it', async () => {
    const result = await sluice(database.url, 'debug', '--help');
    expect(result.stdout).toMatch(/^Usage: sluice debug/);
  });

  it('export:list, export:cancel and export:cleanup', async () => {
    await settleQueue();
    const [id] = await queue(1);
    const listed = await sluice(database.url, 'export:list', '--status=queued');
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\tqueued\\tlist_people\\talice`, 'm'));
    const cancelled = await sluice(database.url, 'export:cancel', String(id));
    expect(cancelled.stdout).toMatch(new RegExp(`task ${id}: cancelled`));
    expect((await sluice(database.url, 'export:cancel', String(id))).code).toBe(0);
    expect((await sluice(database.url, 'export:list', '--status=nope')).code).toBe(2);
    await db.orm.em.fork().nativeUpdate(ExportTask, { status: 'succeeded' }, { expiresAt: new Date(Date.now() - 1_000) });
    const cleaned = await sluice(database.url, 'export:cleanup');
    expect(cleaned.stdout).toMatch(/removed [1-9]\d* file\(s\)/);
    expect((await readdir(exportDirectory)).filter((name) => /^\d+-/.test(name))).toEqual([]);
  });

  it('export:worker runs tasks until SIGTERM', async () => {
    await settleQueue();
    const worker = spawn(process.execPath, [join(root, 'packages/cli/src/bin.ts'), 'export:worker', '--concurrency=2'], {
      cwd: root,
      env: environment(database.url),
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => worker.once('exit', (code) => done(code)));
    try {
      const ids = await queue(3);
      const deadline = Date.now() + 30_000;
      while ((await Promise.all(ids.map(load))).some((task) => task.status !== 'succeeded') && Date.now() < deadline)
        await new Promise((wake) => setTimeout(wake, 50));
      expect((await Promise.all(ids.map(load))).map((task) => task.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toMatch(/polling the database, concurrency 2/);
    expect(output).toMatch(/stopping/);
  });

  it('prunes history older than --older-than', async () => {
    const em = db.orm.em.fork();
    await em.insert(AuditRevision, { createdAt: new Date('2020-01-01T00:00:00Z'), actorName: 'old' });
    await em.insert(AuditRevision, { createdAt: new Date(), actorName: 'new' });
    const result = await sluice(database.url, 'audit:prune', '--older-than', '365d');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/deleted 1 revision/);
    expect((await db.orm.em.fork().find(AuditRevision, {})).map((revision) => revision.actorName)).toEqual(['new']);
  });

  it('prunes the sync change log older than --older-than and moves the horizon', async () => {
    const connection = db.orm.em.fork().getConnection();
    const old = db.dialect.timestamp(new Date('2020-01-01T00:00:00Z'));
    const em = db.orm.em.fork();
    (await em.findOneOrFail(Person, 1)).lastName = 'Pruned';
    await em.flush();
    const [{ version } = { version: 0 }] = await connection.execute('select max(version) as version from sync_change');
    await connection.execute('update sync_change set created_at = ?', [old]);
    const result = await sluice(database.url, 'sync:prune', '--older-than', '30d');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/deleted 1 change/);
    expect(Number((await connection.execute('select horizon_version as h from sync_clock'))[0]?.h)).toBe(Number(version) + 1);
    const bad = await sluice(database.url, 'sync:prune', '--older-than', '0d');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/SYNC_INVALID_RETENTION/)]);
  });

  it('exits 2 with a code on bad usage and bad input', async () => {
    expect((await sluice(database.url)).code).toBe(2);
    expect((await sluice(database.url, 'nope')).code).toBe(2);
    expect((await sluice(database.url, 'audit:prune', '--bogus')).code).toBe(2);
    const bad = await sluice(database.url, 'audit:prune', '--older-than', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/AUDIT_INVALID_RETENTION/);
  });
});

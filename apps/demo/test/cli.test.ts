import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuditRevision } from '@sluice/audit';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/open-orm.ts';
import { seedReferenceData } from '../src/seed/seed-database.ts';

const root = join(import.meta.dirname, '../../..');
const run = promisify(execFile);

async function sluice(databaseUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'packages/cli/src/bin.ts'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
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
    await seedReferenceData(db.orm.em.fork(), dialect);
  });
  afterAll(async () => {
    await db.orm.close(true);
    await database.drop();
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

  it('exits 2 with a code on bad usage and bad input', async () => {
    expect((await sluice(database.url)).code).toBe(2);
    expect((await sluice(database.url, 'nope')).code).toBe(2);
    expect((await sluice(database.url, 'audit:prune', '--bogus')).code).toBe(2);
    const bad = await sluice(database.url, 'audit:prune', '--older-than', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/AUDIT_INVALID_RETENTION/);
  });
});

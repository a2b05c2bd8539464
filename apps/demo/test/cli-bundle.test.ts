import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../src/seed/seed-database.ts';
import { type BundledCli, buildBundledCli } from './fixtures/bundled-cli.ts';

const root = join(import.meta.dirname, '../../..');
const run = promisify(execFile);

describeEachDialect('bundled sluice CLI (npm run build)', (dialect) => {
  let database: TestDatabase;
  let bundle: BundledCli;
  let directory: string;
  beforeAll(async () => {
    bundle = await buildBundledCli();
    directory = bundle.directory;
    database = await createTestDatabase(dialect);
    const { orm } = await openDatabase(database.url);
    await seedReferenceData(orm.em.fork());
    await seedPeople(orm.em.fork(), { people: 500, seed: 7 });
    await orm.close();
  });
  afterAll(async () => {
    await database.drop();
    await bundle.remove();
  });

  // With type stripping off, the bundle fails if it ever reaches a .ts file: none may be left.
  const sluice = (entry: string, ...args: string[]) =>
    run(process.execPath, [...(entry.endsWith('.mjs') ? ['--no-experimental-strip-types'] : []), entry, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, EXPORT_DIR: join(directory, 'exports'), REDIS_URL: '' },
    });

  it('runs exports like the sources, without loading any TypeScript', async () => {
    const request = join(directory, 'request.json');
    await writeFile(request, JSON.stringify({ export: 'list_activities', formatter: { alias: 'csv_list' } }));
    await sluice(bundle.entry, 'export:run', '--request', request, '--out', join(directory, 'bundled.csv'), '--user', '1');
    await sluice(join(root, 'packages/cli/src/bin.ts'), 'export:run', '--request', request, '--out', join(directory, 'sources.csv'), '--user', '1');
    const csv = await readFile(join(directory, 'bundled.csv'), 'utf8');
    expect(csv.split('\r\n').length).toBeGreaterThan(500);
    expect(csv).toBe(await readFile(join(directory, 'sources.csv'), 'utf8'));
  });

  it('keeps the exit codes and errors of the sources', async () => {
    const failure = (await sluice(bundle.entry, 'export:process', 'abc').catch((error: unknown) => error)) as {
      code: number;
      stderr: string;
    };
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/CLI_USAGE/);
  });
});

import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const packages = ['core', 'db', 'pagination', 'audit', 'export', 'sync', 'cli'];
const npm = (args: string[], cwd: string) =>
  // Outside the repository: no development condition, so the installed dist/ is what runs.
  run('npm', args, { cwd, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024 });

/**
 * sluice as a new user meets it: every package packed, the tarballs installed into an app outside the
 * workspace with a MikroORM patch release other than the workspace's (7.2.2; the packages ask ^7.2.1),
 * then that app's program run by plain Node and type-checked by tsc.
 */
describe('the packed packages in an app of its own (SQLite)', () => {
  let app: string;
  beforeAll(async () => {
    app = await mkdtemp(join(tmpdir(), 'sluice-consumer-'));
    const tarballs = join(app, 'tarballs');
    await mkdir(tarballs);
    for (const name of packages) await npm(['pack', '--pack-destination', tarballs], join(root, 'packages', name));
    const files = await readdir(tarballs);
    const local = Object.fromEntries(packages.map((name) => [`@sluice/${name}`, `file:tarballs/${files.find((file) => file.startsWith(`sluice-${name}-`))}`]));
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { ...local, '@mikro-orm/core': '7.2.2', '@mikro-orm/sql': '7.2.2', '@mikro-orm/sqlite': '7.2.2', kysely: '^0.29.6', zod: '^4.6.7' },
        devDependencies: { '@types/node': '24.19.2', esbuild: '0.28.2' },
        // The tarballs depend on each other by version; these resolve them to the local files.
        overrides: Object.fromEntries(Object.keys(local).map((name) => [name, `$${name}`])),
        allowScripts: { 'better-sqlite3': false, esbuild: false },
      }),
    );
    for (const file of ['app.ts', 'sluice.config.ts', 'tsconfig.json']) await copyFile(join(import.meta.dirname, 'consumer', file), join(app, file));
    await npm(['install', '--no-audit', '--no-fund'], app);
  }, 300_000);
  afterAll(() => rm(app, { recursive: true, force: true }));

  it('installs only JavaScript and declarations, with one copy of MikroORM', async () => {
    const exportFiles = await readdir(join(app, 'node_modules/@sluice/export'), { recursive: true });
    expect(exportFiles.some((file) => String(file).endsWith('.ts') && !String(file).endsWith('.d.ts'))).toBe(false);
    expect(exportFiles).toContain('LICENSE');
    // bullmq, ioredis, pg-copy-streams and the AWS SDK are optional peers: an app without Redis, PostgreSQL or S3 has none.
    for (const name of ['bullmq', 'ioredis', 'pg-copy-streams', '@aws-sdk/client-s3']) await expect(readdir(join(app, 'node_modules', name))).rejects.toThrow();
    const { stdout } = await npm(['ls', '@mikro-orm/core', '--all', '--parseable'], app);
    expect(new Set(stdout.trim().split('\n')).size).toBe(1);
  });

  it('runs a program with its own entities: cursor walk, CSV and XLSX, history, an export task', async () => {
    await mkdir(join(app, 'data'));
    const { stdout } = await run(process.execPath, ['app.ts'], { cwd: app, env: { ...process.env, NODE_OPTIONS: '', APP_DIR: join(app, 'data') } });
    const seen = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(seen.walked).toBe(250);
    expect(seen.files.csv_list).toBeGreaterThan(250 * 10);
    expect(seen.files.xlsx).toBeGreaterThan(1_000);
    expect(seen.sentence).toBe('Price changed from 70 to 75');
    expect(seen.task).toEqual({ status: 'succeeded', rows: 250 });
  });

  it('runs the installed sluice CLI with the app’s own config, and bundles the two into one file', async () => {
    const env = { ...process.env, NODE_OPTIONS: '' };
    const listed = await run('npx', ['sluice', 'export:list'], { cwd: app, env });
    expect(listed.stdout).toMatch(/\tsucceeded\tlist_books\treader\t250\/250/);
    const bundled = await run('npx', ['sluice', 'bundle', '--outdir', 'dist'], { cwd: app, env });
    expect(bundled.stdout).toContain('dist/sluice.mjs');
    const fromBundle = await run(process.execPath, ['--no-experimental-strip-types', 'dist/sluice.mjs', 'export:list'], { cwd: app, env });
    expect(fromBundle.stdout).toBe(listed.stdout);
  });

  it('type-checks (tsc --noEmit) against the published declarations', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).catch((failure: { stdout: string }) => failure);
    expect(result.stdout).toBe('');
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commands, runCli } from '@sluice/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open-orm.ts';
import { seedReferenceData } from '../src/seed/seed-database.ts';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'packages/cli/src/bin.ts');
const run = promisify(execFile);

async function sluice(args: string[], options: { cwd?: string; databaseUrl?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, REDIS_URL: '', ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}) };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env });
    return { code: 0, stdout, stderr };
  } catch (failure) {
    const { code, stdout, stderr } = failure as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** The CLI in this process, for what needs no config: help and versions. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { log: (line) => lines.push(line), error: (line) => lines.push(line) });
  return { code, stdout: `${lines.join('\n')}\n` };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

// Help, versions and errors are the CLI's own: no database dialect is involved, except where noted.
describe('sluice CLI manners', () => {
  let scratch: string;
  let sqliteUrl: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    sqliteUrl = `sqlite:${join(scratch, 'demo.sqlite')}`;
    const { orm } = await openDatabase(sqliteUrl);
    await seedReferenceData(orm.em.fork());
    await orm.close();
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('--help, -h and help list every command and the global options, exit 0', async () => {
    expect((await sluice(['--help'])).code).toBe(0);
    for (const args of [['--help'], ['-h'], ['help']]) {
      const result = await inProcess(args);
      expect(result.code, result.stdout).toBe(0);
      for (const name of [...Object.keys(commands), 'debug', '--config <path>', '--version', '--verbose']) expect(result.stdout).toContain(name);
    }
  });

  it('--version and -v print the package version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'packages/cli/package.json'), 'utf8'));
    expect(await sluice(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(await inProcess(['-v'])).toEqual({ code: 0, stdout: `${version}\n` });
  });

  it('every command has help naming each of its options', async () => {
    for (const [name, command] of Object.entries(commands)) {
      for (const args of [
        [name, '--help'],
        ['help', name],
      ]) {
        const result = await sluice(args);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
        expect(result.stdout).toContain(`usage: sluice [--config <path>] ${name}`);
        for (const option of Object.keys(command.options)) expect(result.stdout).toContain(`--${option}`);
      }
    }
  });

  it('answers wrong usage with one line, a code and exit 2, never a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^CLI_USAGE: no command given/],
      [['nope'], /^CLI_USAGE: unknown command "nope"/],
      [['audit:prune', '--bogus'], /^CLI_USAGE: Unknown option '--bogus'/],
      [['export:worker', '--concurrency=0'], /^CLI_USAGE: concurrency must be a whole number of at least 1, got "0"/],
      [['export:list', '--limit=-3'], /^CLI_USAGE: /],
      [['export:run', '--request', 'x.json', '--out', 'y.csv'], /^CLI_USAGE: --user is required/],
      [['export:cancel'], /^CLI_USAGE: export:cancel takes 1 argument\(s\), got 0/],
    ];
    for (const [args, message] of cases) {
      const result = await sluice(args, { databaseUrl: sqliteUrl });
      expect([result.code, result.stderr], args.join(' ')).toEqual([2, expect.stringMatching(message)]);
      noStack(result.stderr);
    }
  });

  it('reports failures while running in one line (the stack only with --verbose)', async () => {
    const unreachable = await sluice(['export:list'], { databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    expect([unreachable.code, unreachable.stderr]).toEqual([1, expect.stringMatching(/^ERROR: .*ECONNREFUSED/)]);
    noStack(unreachable.stderr);
    const verbose = await sluice(['export:list', '--verbose'], { databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    expect(verbose.stderr).toMatch(/\n\s+at /);
    await writeFile(join(scratch, 'request.json'), JSON.stringify({ export: 'count_people', formatter: { alias: 'csv' } }));
    const unwritable = await sluice(['export:run', '--request', join(scratch, 'request.json'), '--out', '/proc/no/such/file.csv', '--user', '1'], {
      databaseUrl: sqliteUrl,
    });
    // Refused before any row, as a wrong invocation (exit 2) with its own code.
    expect([unwritable.code, unwritable.stderr]).toEqual([
      2,
      expect.stringMatching(/^CLI_OUTPUT_UNWRITABLE: cannot write \/proc\/no\/such\/file\.csv: ENOENT/),
    ]);
    noStack(unwritable.stderr);
  });

  it('read-only commands never create or migrate a database', async () => {
    const fresh = join(scratch, 'fresh', 'new.sqlite');
    const result = await sluice(['export:list'], { databaseUrl: `sqlite:${fresh}` });
    expect([result.code, result.stderr]).toEqual([1, expect.stringMatching(/^CONFIG_INVALID: .*no SQLite database/)]);
    expect(existsSync(fresh)).toBe(false);
  });

  it('finds its config through package.json configPaths, says where it looked, and exits 2 without one', async () => {
    const app = join(scratch, 'app');
    await mkdir(join(app, 'conf'), { recursive: true });
    const missing = await sluice(['export:list'], { cwd: app });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/^CLI_CONFIG_NOT_FOUND: no sluice config found; searched .*sluice\.config\.ts/)]);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', sluice: { configPaths: ['./conf/missing.ts', './conf/sluice.ts'] } }));
    await writeFile(join(app, 'conf', 'sluice.ts'), 'export default {};\n');
    const debug = await sluice(['debug'], { cwd: app });
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain(`config: ${join(app, 'conf', 'sluice.ts')}`);
    expect(debug.stdout).toContain(join(app, 'conf', 'missing.ts'));
    const explicit = await sluice(['debug', '--config', './elsewhere.ts'], { cwd: app });
    expect(explicit.stdout).toContain('config: none found');
  });
});

/**
 * The CLI as users run it: `node --conditions=sluice-source bench/cli-export.bench.ts [--people 1000000] [--rounds 5]`.
 * PostgreSQL with `--people` people (inserted by SQL). In each round, in turn, each a process of its own
 * timed from spawn to exit (start-up included):
 * - `psql \copy` of the SELECT `list_people` runs, to a CSV file with a header (the anchor);
 * - `npx sluice export:run` of `list_people` to CSV as users type it, with the bundle built (`npm run
 *   build`: the command runs it) and without (`SLUICE_BUNDLE=off`: the CLI from its packages); and
 *   `node dist/sluice.mjs export:run`, what production workers run;
 * - the same with a filter no row passes: what start-up alone costs, and through `node_modules/.bin/sluice`
 *   as an npm script runs it (the same bin as npx, without npx);
 * - `npx` running a bin that does nothing: what npx itself costs before any sluice code runs.
 * Median (min-max) of the rounds; ratios against psql.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkPeopleDatabase } from './bulk-database.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '5' } } });
const root = join(import.meta.dirname, '..');
const directory = mkdtempSync(join(tmpdir(), 'sluice-cli-bench-'));
const database = await bulkPeopleDatabase(Number(values.people));
const bundle = join(root, 'dist/sluice.mjs');
const select =
  'select p.id, p.first_name, p.last_name, p.gender, p.birthdate, p.nationality, c.name from person p join center c on c.id = p.center_id order by p.id';

/** Wall time of one process, spawn to exit; fails on a non-zero exit. */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}`);
  return (performance.now() - started) / 1000;
}

try {
  // Built now, so it holds the current code and `npx sluice` runs it.
  execFileSync(process.execPath, [join(root, 'scripts/build-cli.ts')], { cwd: root, stdio: 'inherit' });
  const all = join(directory, 'all.json');
  const none = join(directory, 'none.json');
  writeFileSync(all, JSON.stringify({ export: 'list_people', formatter: { alias: 'csv_list' } }));
  writeFileSync(none, JSON.stringify({ export: 'list_people', filters: { person_birthdate: { to: '1800-01-01' } }, formatter: { alias: 'csv_list' } }));
  const noop = join(directory, 'noop');
  mkdirSync(join(noop, 'node_modules/.bin'), { recursive: true });
  writeFileSync(join(noop, 'package.json'), '{"name":"noop","private":true}');
  writeFileSync(join(noop, 'node_modules/.bin/noop'), '#!/usr/bin/env node\n', { mode: 0o755 });
  const env = { ...process.env, DATABASE_URL: database.url, REDIS_URL: '', NODE_OPTIONS: '' };
  const out = join(directory, 'out.csv');
  const args = (request: string) => ['export:run', '--request', request, '--out', out, '--user', '1'];
  const npx = (request: string, bundled: boolean) => timed('npx', ['sluice', ...args(request)], bundled ? env : { ...env, SLUICE_BUNDLE: 'off' });
  const sides: Record<string, () => Promise<number>> = {
    'psql \\copy': () => timed('psql', [database.url, '-qc', `\\copy (${select}) to '${out}' with (format csv, header)`], env),
    'npx sluice export:run, bundle built': () => npx(all, true),
    'npx sluice export:run, no bundle': () => npx(all, false),
    'node dist/sluice.mjs export:run': () => timed(process.execPath, [bundle, ...args(all)], env),
    'empty export, npx sluice, bundle built': () => npx(none, true),
    'empty export, npx sluice, no bundle': () => npx(none, false),
    'empty export, node dist/sluice.mjs': () => timed(process.execPath, [bundle, ...args(none)], env),
    'empty export, node_modules/.bin/sluice (npm scripts), bundle built': () => timed(join(root, 'node_modules/.bin/sluice'), args(none), env),
    'npx of a bin that does nothing': () => timed('npx', ['noop'], env, noop),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, run] of Object.entries(sides)) samples[name]?.push(await run());
  }
  const anchor = samples['psql \\copy'] as number[];
  console.log(`## The CLI against psql, PostgreSQL, ${Number(values.people).toLocaleString('en-US')} people, ${values.rounds} rounds`);
  console.log('| run | seconds | / psql \\copy |');
  console.log('| --- | --- | --- |');
  for (const [name, seconds] of Object.entries(samples)) {
    const ratio = !name.includes('export:run')
      ? ''
      : `${spread(
          seconds.map((value, i) => value / (anchor[i] as number)),
          2,
        )}x`;
    console.log(`| ${name} | ${spread(seconds, 2)} | ${ratio} |`);
  }
} finally {
  await database.drop();
  rmSync(directory, { recursive: true, force: true });
}

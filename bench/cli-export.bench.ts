/**
 * The CLI as users run it: `node --conditions=sluice-source bench/cli-export.bench.ts [--people 1000000] [--rounds 5]`.
 * PostgreSQL with `--people` people (inserted by SQL). In each round, in turn, each a process of its own
 * timed from spawn to exit (start-up included):
 * - `psql \copy` of the SELECT `list_people` runs, to a CSV file with a header (the anchor);
 * - `sluice export:run` of `list_people` to CSV, bundled (`node dist/sluice.mjs`, what `npm run build`
 *   makes for production) and from the TypeScript sources (`packages/cli/src/bin.ts`);
 * - the same two with a filter no row passes: what start-up alone costs.
 * Median (min-max) of the rounds; ratios against psql.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}`);
  return (performance.now() - started) / 1000;
}

try {
  if (!existsSync(bundle)) execFileSync(process.execPath, [join(root, 'scripts/build-cli.ts')], { cwd: root, stdio: 'inherit' });
  const all = join(directory, 'all.json');
  const none = join(directory, 'none.json');
  writeFileSync(all, JSON.stringify({ export: 'list_people', formatter: { alias: 'csv_list' } }));
  writeFileSync(none, JSON.stringify({ export: 'list_people', filters: { person_birthdate: { to: '1800-01-01' } }, formatter: { alias: 'csv_list' } }));
  // The bundle is plain JavaScript; the sources need the sluice-source condition, as the npm scripts give it.
  const env = { ...process.env, DATABASE_URL: database.url, REDIS_URL: '', NODE_OPTIONS: '' };
  const sourceEnv = { ...env, NODE_OPTIONS: '--conditions=sluice-source' };
  const out = join(directory, 'out.csv');
  const sluice = (cli: 'bundle' | 'sources', request: string) =>
    timed(
      process.execPath,
      [cli === 'bundle' ? bundle : join(root, 'packages/cli/src/bin.ts'), 'export:run', '--request', request, '--out', out, '--user', '1'],
      cli === 'bundle' ? env : sourceEnv,
    );
  const sides: Record<string, () => Promise<number>> = {
    'psql \\copy': () => timed('psql', [database.url, '-qc', `\\copy (${select}) to '${out}' with (format csv, header)`], env),
    'sluice export:run, bundled': () => sluice('bundle', all),
    'sluice export:run, sources': () => sluice('sources', all),
    'empty export, bundled': () => sluice('bundle', none),
    'empty export, sources': () => sluice('sources', none),
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
    const ratio = name.startsWith('empty')
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

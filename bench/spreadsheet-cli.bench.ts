/**
 * Spreadsheets as users make them: `node --conditions=sluice-source bench/spreadsheet-cli.bench.ts [--people 1000000] [--rounds 5] [--url <postgres url>]`.
 * PostgreSQL with `--people` people made by the demo's seed generator (`fillWithSeededPeople`); `--url`
 * names a database to keep between runs (filled when it holds no people). In each round, in turn, each a
 * process of its own timed from spawn to exit (start-up included), its peak RSS read from /proc (VmHWM):
 * - the anchor: a hand-written exceljs `WorkbookWriter` fed by a pg-cursor (`bench/exceljs-people.ts`),
 *   the same SELECT and columns as `list_people`, without styles (exceljs's fastest: with the bold header
 *   and date format sluice writes it takes twice as long);
 * - `sluice export:run` of `list_people` to XLSX, to ODS and to CSV (`csv_list`), bundled
 *   (`dist/sluice.mjs`, what production runs; `npm run build` makes it).
 * Median (min-max) of the rounds; per round: exceljs seconds / sluice seconds (faster than exceljs),
 * sluice seconds / its CSV's seconds, and peak RSS / exceljs's. CPU seconds are the process's own (all its
 * threads, read from /proc), not PostgreSQL's: on a machine shared with other work they say what the
 * wall times cannot.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { bulkPeopleDatabase, fillWithSeededPeople } from './bulk-database.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({
  options: { people: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '5' }, url: { type: 'string' } },
});
const people = Number(values.people);
const root = join(import.meta.dirname, '..');
const directory = mkdtempSync(join(tmpdir(), 'sluice-sheet-bench-'));
const bundle = join(root, 'dist/sluice.mjs');

type Sample = { seconds: number; mb: number; cpu: number };

/** A kept database at `url` with `people` seeded people (filled when it holds none). */
async function keptDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { orm } = await openDatabase(url);
  try {
    const [{ count }] = (await orm.em.getConnection().execute('select count(*)::int as count from person')) as [{ count: number }];
    if (count === 0) await fillWithSeededPeople(orm.em, people);
    else if (count !== people) throw new Error(`${url} holds ${count} people, not ${people}`);
  } finally {
    await orm.close();
  }
  return { url, drop: async () => {} };
}

/** The peak resident set of a running process so far, in MB (0 once it is gone). */
function peakRssMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The CPU seconds a running process (all its threads) has used so far, user and system (0 once it is gone). */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Wall time and peak RSS of one process, spawn to exit; fails on a non-zero exit. */
async function measured(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let mb = 0;
  let cpu = 0;
  // VmHWM and CPU time only grow: the last reading before exit is the total, give or take the last 20 ms.
  const poll = setInterval(() => {
    mb = Math.max(mb, peakRssMb(child.pid as number));
    cpu = Math.max(cpu, cpuSeconds(child.pid as number));
  }, 20);
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  clearInterval(poll);
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}:\n${stderr}`);
  return { seconds: (performance.now() - started) / 1000, mb, cpu };
}

const database = values.url ? await keptDatabase(values.url) : await bulkPeopleDatabase(people, 'seeded');
// The anchor reads with pg as a user would; make sure both sides see the same rows.
const probe = new pg.Client({ connectionString: database.url });
await probe.connect();
const [seen] = (await probe.query<{ rows: number }>('select count(*)::int as rows from person')).rows;
await probe.end();
if (seen?.rows !== people) throw new Error(`the database holds ${seen?.rows} people, not ${people}`);

try {
  if (!existsSync(bundle)) execFileSync(process.execPath, [join(root, 'scripts/build-cli.ts')], { cwd: root, stdio: 'inherit' });
  const request = (alias: string) => {
    const file = join(directory, `${alias}.json`);
    writeFileSync(file, JSON.stringify({ export: 'list_people', formatter: { alias } }));
    return file;
  };
  const env = { ...process.env, DATABASE_URL: database.url, REDIS_URL: '', NODE_OPTIONS: '' };
  const sluice = (alias: string) => () =>
    measured([bundle, 'export:run', '--request', request(alias), '--out', join(directory, `out.${alias}`), '--user', '1'], env);
  const anchorName = 'exceljs + pg-cursor, XLSX';
  const csvName = 'sluice export:run, CSV';
  const sides: Record<string, () => Promise<Sample>> = {
    [anchorName]: () => measured([join(root, 'bench/exceljs-people.ts'), database.url, join(directory, 'out.exceljs.xlsx')], env),
    'sluice export:run, XLSX': sluice('xlsx'),
    'sluice export:run, ODS': sluice('ods'),
    [csvName]: sluice('csv_list'),
  };
  const names = Object.keys(sides);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    // Turns rotate, so no side always runs first (cold caches) or right after the heaviest one.
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(turn + round) % names.length] as string;
      const sample = await (sides[name] as () => Promise<Sample>)();
      samples[name]?.push(sample);
      console.error(`round ${round + 1}: ${name} ${sample.seconds.toFixed(2)} s, ${sample.cpu.toFixed(2)} s CPU, ${sample.mb.toFixed(0)} MB`);
    }
  }
  const anchor = samples[anchorName] as Sample[];
  const csv = samples[csvName] as Sample[];
  console.log(`## Spreadsheets through the CLI, PostgreSQL, ${people.toLocaleString('en-US')} seeded people, ${values.rounds} rounds`);
  console.log('| run | seconds | CPU seconds | peak RSS (MB) | faster than exceljs | time / CSV | memory / exceljs |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, runs] of Object.entries(samples)) {
    const ratio = (skip: boolean, pick: (i: number, run: Sample) => number) =>
      skip
        ? ''
        : `${spread(
            runs.map((run, i) => pick(i, run)),
            2,
          )}x`;
    const isAnchor = name === anchorName;
    console.log(
      `| ${name} | ${spread(
        runs.map((run) => run.seconds),
        2,
      )} | ${spread(
        runs.map((run) => run.cpu),
        2,
      )} | ${spread(
        runs.map((run) => run.mb),
        0,
      )} | ${ratio(isAnchor, (i, run) => (anchor[i] as Sample).seconds / run.seconds)} | ${ratio(isAnchor || name === csvName, (i, run) => run.seconds / (csv[i] as Sample).seconds)} | ${ratio(isAnchor, (i, run) => run.mb / (anchor[i] as Sample).mb)} |`,
    );
  }
} finally {
  await database.drop();
  rmSync(directory, { recursive: true, force: true });
}

/**
 * Spreadsheets as users make them: `node --conditions=sluice-source bench/spreadsheet-cli.bench.ts [--people 1000000] [--rounds 5]`.
 * PostgreSQL with `--people` people (inserted by SQL). In each round, in turn, each a process of its own
 * timed from spawn to exit (start-up included), its peak RSS read from /proc (VmHWM) while it runs:
 * - exceljs 4.4's streaming `WorkbookWriter` fed the rows of `list_people` (`bench/export-run.ts exceljs`,
 *   tuned like the CLI): the anchor;
 * - `sluice export:run` of `list_people` to XLSX and to ODS, bundled (`dist/sluice.mjs`, what production runs).
 * Median (min-max) of the rounds; speed-ups (exceljs seconds / sluice seconds) and memory ratios per round.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkPeopleDatabase } from './bulk-database.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '5' } } });
const root = join(import.meta.dirname, '..');
const directory = mkdtempSync(join(tmpdir(), 'sluice-sheet-bench-'));
const database = await bulkPeopleDatabase(Number(values.people));
const bundle = join(root, 'dist/sluice.mjs');

/** The peak resident set of a running process so far, in MB (0 once it is gone). */
function peakRssMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Wall time and peak RSS of one process, spawn to exit; fails on a non-zero exit. */
async function measured(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; mb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let mb = 0;
  // VmHWM only grows: the last reading before exit is the peak, give or take the last 20 ms.
  const poll = setInterval(() => {
    mb = Math.max(mb, peakRssMb(child.pid as number));
  }, 20);
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  clearInterval(poll);
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}:\n${stderr}`);
  return { seconds: (performance.now() - started) / 1000, mb };
}

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
  const sides: Record<string, () => Promise<{ seconds: number; mb: number }>> = {
    'exceljs (XLSX)': () =>
      measured(
        [
          join(root, 'bench/export-run.ts'),
          database.url,
          'exceljs',
          JSON.stringify({ export: 'list_people', formatter: { alias: 'xlsx' } }),
          join(directory, 'out.exceljs.xlsx'),
        ],
        {
          ...env,
          NODE_OPTIONS: '--conditions=sluice-source',
          SLUICE_BENCH_TUNED: '1',
        },
      ),
    'sluice export:run XLSX': sluice('xlsx'),
    'sluice export:run ODS': sluice('ods'),
  };
  const samples: Record<string, { seconds: number; mb: number }[]> = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    // Turns rotate, so no side always runs first (cold caches) or right after the heaviest one.
    const names = Object.keys(sides);
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(turn + round) % names.length] as string;
      samples[name]?.push(await (sides[name] as () => Promise<{ seconds: number; mb: number }>)());
    }
  }
  const anchor = samples['exceljs (XLSX)'] as { seconds: number; mb: number }[];
  console.log(`## Spreadsheets through the CLI, PostgreSQL, ${Number(values.people).toLocaleString('en-US')} people, ${values.rounds} rounds`);
  console.log('| run | seconds | peak RSS (MB) | faster than exceljs | memory / exceljs |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, runs] of Object.entries(samples)) {
    const against = (pick: (i: number, run: { seconds: number; mb: number }) => number, digits: number) =>
      name === 'exceljs (XLSX)'
        ? ''
        : `${spread(
            runs.map((run, i) => pick(i, run)),
            digits,
          )}x`;
    console.log(
      `| ${name} | ${spread(
        runs.map((run) => run.seconds),
        2,
      )} | ${spread(
        runs.map((run) => run.mb),
        0,
      )} | ${against((i, run) => (anchor[i]?.seconds as number) / run.seconds, 2)} | ${against((i, run) => run.mb / (anchor[i]?.mb as number), 2)} |`,
    );
  }
} finally {
  await database.drop();
  rmSync(directory, { recursive: true, force: true });
}

/**
 * Exports on PostgreSQL: `node bench/export.bench.ts --people 1000000` (or `--url <postgres url>` of a
 * database the seed already filled). Seeds a fresh database, then (each export in its own process,
 * see export-run.ts; "tuned" runs call tuneForStreaming() first, as the CLI and the demo server do):
 * - list_people to CSV vs `psql \copy (same SELECT) to file csv`; peak RSS at 100,000 rows (center 4)
 *   vs all 1,000,000;
 * - list_people to XLSX and ODS vs exceljs's streaming WorkbookWriter fed the same rows;
 * - count_people with two filters (one EXISTS) and two aggregators vs the same SQL by hand, run with
 *   psql and on the same connection (median of 5).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runExport } from '@sluice/export';
import { createTestDatabase } from '@sluice/test-utils';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { demoExportRegistry } from '../apps/demo/src/exports/demo-exports.ts';
import { exportUser } from '../apps/demo/src/exports/export-user.ts';

// --url reuses a database the seed already filled (e.g. `npm run seed -- --people 1000000` into it).
const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' }, url: { type: 'string' } } });
const people = Number(values.people);
const here = import.meta.dirname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-export-bench-'));
const database = values.url ? { url: values.url, drop: async () => {} } : await createTestDatabase('postgresql');
const dbName = new URL(database.url).pathname.slice(1);
const psql = (...args: string[]) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', dbName, '-q', ...args], { encoding: 'utf8' });

function exportRun(engine: 'sluice' | 'exceljs', request: object, file: string, tuned = false): { seconds: number; rows: number; peakRssMb: number } {
  const output = execFileSync(process.execPath, [join(here, 'export-run.ts'), database.url, engine, JSON.stringify(request), file], {
    env: { ...process.env, SLUICE_BENCH_TUNED: tuned ? '1' : '' },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) as string);
}

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return (performance.now() - started) / 1000;
}

const mb = (file: string) => `${(statSync(file).size / 1048576).toFixed(1)} MB`;

// The process's own peak, printed at exit by a preloaded one-liner, so any entry point can be measured.
const peakAtExit = `data:text/javascript,process.on('exit',()=>process.stderr.write('peak '+process.resourceUsage().maxRSS+'\\n'))`;

/** `sluice export:run` as a worker runs it: the bundled CLI (`npm run build`) or the sources. */
function cliExport(entry: string, request: object, out: string): { seconds: number; peakRssMb: number } {
  const requestFile = join(dir, 'request.json');
  writeFileSync(requestFile, JSON.stringify(request));
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', peakAtExit, entry, 'export:run', '--request', requestFile, '--out', out, '--user', '1'], {
    cwd: join(here, '..'),
    env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: '' },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`export:run failed: ${result.stderr}`);
  const peak = Number(/peak (\d+)/.exec(result.stderr)?.[1]);
  return { seconds, peakRssMb: Math.round(peak / 1024) };
}

try {
  if (!values.url) {
    execFileSync(process.execPath, [join(here, '../apps/demo/src/cli/seed.ts'), '--people', String(people)], {
      env: { ...process.env, DATABASE_URL: database.url },
      stdio: 'inherit',
    });
    psql('-c', 'vacuum analyze');
  }

  const listSql =
    'select p.id, p.first_name, p.last_name, p.gender, p.birthdate, p.nationality, c.name from person p join center c on c.id = p.center_id where p.center_id in (1, 2, 3, 4) order by p.id';
  const copyFile = join(dir, 'copy.csv');
  const copySeconds = timed(() => psql('-c', `\\copy (${listSql}) to '${copyFile}' csv header`));
  const csv = exportRun('sluice', { export: 'list_people', formatter: { alias: 'csv_list' } }, join(dir, 'list.csv'));
  const csvSmall = exportRun('sluice', { export: 'list_people', scopes: [4], formatter: { alias: 'csv_list' } }, join(dir, 'small.csv'));
  console.log(`## list_people, ${csv.rows} rows, PostgreSQL`);
  console.log(
    `CSV: sluice ${csv.seconds.toFixed(2)} s (${mb(join(dir, 'list.csv'))}), psql \\copy ${copySeconds.toFixed(2)} s (${mb(copyFile)}): ${(csv.seconds / copySeconds).toFixed(2)}x`,
  );
  console.log(
    `CSV peak RSS: ${csv.peakRssMb} MB for ${csv.rows} rows, ${csvSmall.peakRssMb} MB for ${csvSmall.rows} rows: ${(csv.peakRssMb / csvSmall.peakRssMb).toFixed(2)}x`,
  );

  // What the sluice CLI and the demo server run with: tuneForStreaming() (a young generation that
  // does not grow). The anchor gets the same setting, so each comparison is like for like.
  const tunedCsv = exportRun('sluice', { export: 'list_people', formatter: { alias: 'csv_list' } }, join(dir, 'tuned.csv'), true);
  const tunedSmall = exportRun('sluice', { export: 'list_people', scopes: [4], formatter: { alias: 'csv_list' } }, join(dir, 'tuned-small.csv'), true);
  console.log(
    `CSV tuned: ${tunedCsv.seconds.toFixed(2)} s (${(tunedCsv.seconds / copySeconds).toFixed(2)}x COPY); peak RSS ${tunedCsv.peakRssMb} MB for ${tunedCsv.rows} rows, ${tunedSmall.peakRssMb} MB for ${tunedSmall.rows} rows: ${(tunedCsv.peakRssMb / tunedSmall.peakRssMb).toFixed(2)}x`,
  );

  execFileSync('npm', ['run', 'build', '--silent'], { cwd: join(here, '..'), stdio: 'inherit' });
  const decade = { export: 'list_people', filters: { person_birthdate: { from: '1980-01-01', to: '1989-12-31' } }, formatter: { alias: 'csv_list' } };
  for (const [name, entry] of [
    ['bundled (dist/sluice.mjs)', join(here, '../dist/sluice.mjs')],
    ['from sources (packages/cli/src/bin.ts)', join(here, '../packages/cli/src/bin.ts')],
  ] as const) {
    const all = cliExport(entry, { export: 'list_people', formatter: { alias: 'csv_list' } }, join(dir, 'cli.csv'));
    const some = cliExport(entry, decade, join(dir, 'cli-decade.csv'));
    console.log(
      `CSV through sluice export:run, ${name}: ${all.seconds.toFixed(2)} s; peak RSS ${all.peakRssMb} MB for all rows, ${some.peakRssMb} MB for one birth decade (~100,000 rows): ${(all.peakRssMb / some.peakRssMb).toFixed(2)}x`,
    );
  }

  for (const tuned of [false, true]) {
    const exceljs = exportRun('exceljs', { export: 'list_people', formatter: { alias: 'xlsx' } }, join(dir, 'exceljs.xlsx'), tuned);
    for (const alias of ['xlsx', 'ods']) {
      const ours = exportRun('sluice', { export: 'list_people', formatter: { alias } }, join(dir, `list.${alias}`), tuned);
      console.log(
        `${alias.toUpperCase()}${tuned ? ' tuned' : ''}: sluice ${ours.seconds.toFixed(2)} s, ${ours.peakRssMb} MB peak (${mb(join(dir, `list.${alias}`))}); exceljs ${exceljs.seconds.toFixed(2)} s, ${exceljs.peakRssMb} MB peak (${mb(join(dir, 'exceljs.xlsx'))}): ${(exceljs.seconds / ours.seconds).toFixed(2)}x faster, ${(ours.peakRssMb / exceljs.peakRssMb).toFixed(2)}x the memory`,
      );
    }
  }

  const request = {
    export: 'count_people',
    filters: { person_birthdate: { from: '1950-01-01', to: '1999-12-31' }, person_has_activity: { from: '2025-01-01', to: '2025-12-31' } },
    aggregators: { person_gender: {}, person_nationality: {} },
    formatter: { alias: 'json' },
  };
  const countSql = `select p.gender, p.nationality, count(distinct p.id) from person p where p.center_id in (1, 2, 3, 4) and p.birthdate >= '1950-01-01' and p.birthdate <= '1999-12-31' and exists (select 1 from activity pa where pa.person_id = p.id and pa.date >= '2025-01-01' and pa.date <= '2025-12-31') group by p.gender, p.nationality`;
  const { orm } = await openDatabase(database.url);
  const registry = demoExportRegistry();
  const admin = exportUser({ id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] });
  const median = async (run: () => unknown) => {
    await run();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[2] as number;
  };
  const sluiceMs = await median(() => runExport(registry.prepare(request, admin), orm.em.fork()));
  const sameConnectionMs = await median(() => orm.em.getConnection().execute(countSql));
  const psqlMs = await median(() => psql('-c', countSql));
  await orm.close();
  console.log(`## count_people, 2 filters (one EXISTS), 2 aggregators`);
  console.log(
    `sluice ${sluiceMs.toFixed(1)} ms; hand SQL on the same connection ${sameConnectionMs.toFixed(1)} ms (${(sluiceMs / sameConnectionMs).toFixed(2)}x); with psql ${psqlMs.toFixed(1)} ms (${(sluiceMs / psqlMs).toFixed(2)}x)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
}

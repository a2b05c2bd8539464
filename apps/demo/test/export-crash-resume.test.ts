import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dialectNamed } from '@sluice/db';
import { ExportTask, ExportTaskRunner, ExportTaskService } from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { demoTaskConfig } from '../src/exports/export-tasks.ts';
import { exportUser } from '../src/exports/export-user.ts';
import { bulkPeople } from './fixtures/bulk-people.ts';
import { startTestApp, type TestApp } from './test-app.ts';

const rows = 200_000;
const alice = exportUser({ id: 2, username: 'alice', roles: ['EXPORT'], centerIds: [1, 2] });
const listPeople = { export: 'list_people', formatter: { alias: 'csv_list' } };

describeEachDialect('export tasks survive a killed worker', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 0, tasks: { workers: 0 } });
    await t.orm.em.getConnection().execute(bulkPeople(dialect, rows));
    // Fresh statistics, as after the demo seed: an unanalysed table gets slow keyset plans.
    await t.orm.em.getConnection().execute(dialectNamed(dialect).analyze(['person']));
  });
  afterAll(() => t.close());

  function startChild(taskId: number): { child: ChildProcess; reports: { processed?: number; resumedFrom?: number; ended?: string }[]; exited: Promise<void> } {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures/run-task-child.ts'), t.database.url, t.exportDirectory, String(taskId)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const reports: { processed?: number; resumedFrom?: number; ended?: string }[] = [];
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) reports.push(JSON.parse(line));
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    return { child, reports, exited };
  }

  /** Runs `request` as a task, SIGKILLing its worker process after a durable checkpoint past each kill point. */
  async function crashAndResume(request: object, killPoints: number[]) {
    const config = demoTaskConfig(t.orm.em, { directory: t.exportDirectory, tuning: { leaseMs: 1_000, heartbeatMs: 100, checkpointMs: 0 } });
    const task = await new ExportTaskService(config).create(request, alice);
    const load = () => t.orm.em.fork().findOneOrFail(ExportTask, { id: task.id });
    const resumedFrom: number[] = [];

    for (const killAt of killPoints) {
      const { child, reports, exited } = startChild(task.id);
      const deadline = Date.now() + 60_000;
      // Killed once a checkpoint past the kill point is durable; the worker has written beyond it by then.
      while (((await load()).checkpoint?.rows ?? 0) < killAt) {
        if (reports.some((report) => report.ended) || Date.now() > deadline)
          throw new Error(`the worker ended before row ${killAt}: ${JSON.stringify(reports.at(-1))}`);
        await new Promise((wake) => setTimeout(wake, 10));
      }
      child.kill('SIGKILL');
      await exited;
      resumedFrom.push(reports[0]?.resumedFrom ?? -1);
      expect((await load()).status).toBe('running');
      // The lease runs out; the reaper gives the task back to the queue for the next worker.
      await new Promise((wake) => setTimeout(wake, 1_100));
      expect(await new ExportTaskRunner(config).reap()).toEqual([task.id]);
    }

    const runner = new ExportTaskRunner(config);
    const finalStarts: number[] = [];
    const ended = await runner.run(await runner.claim(task.id), { onProgress: (progress) => finalStarts.push(progress.resumedFrom) });
    resumedFrom.push(finalStarts[0] ?? -1);
    // Kills are crashes, not failures: one attempt used, and each checkpoint since a kill cleared the crash count.
    expect(ended).toMatchObject({ status: 'succeeded', attempts: 1, crashes: 0, processedCount: rows });
    // Each run started where the previous one had durably stopped, never from the start.
    expect(resumedFrom[0]).toBe(0);
    for (let i = 1; i < resumedFrom.length; i++) expect(resumedFrom[i]).toBeGreaterThan(resumedFrom[i - 1] as number);

    const token = await t.login('alice');
    const file = await t.request(token, 'GET', `/api/export-tasks/${task.id}/download`);
    const direct = await t.request(token, 'POST', '/api/exports/download', request);
    return { file: file.rawPayload, direct: direct.rawPayload };
  }

  // Generous limits: three worker processes, lease waits and 200,000 rows per dialect (~25 s on MariaDB).
  it('resumes a CSV list after SIGKILL at several points; the file holds every row exactly once', { timeout: 180_000 }, async () => {
    const { file, direct } = await crashAndResume(listPeople, [30_000, 90_000, 150_000]);
    expect(direct.toString().split('\r\n')).toHaveLength(rows + 2);
    expect(file.length).toBe(direct.length);
    expect(file.equals(direct)).toBe(true);
  });

  it('resumes an XLSX list the same way (its zip continued, not restarted)', { timeout: 180_000 }, async () => {
    const { file, direct } = await crashAndResume({ export: 'list_people', formatter: { alias: 'xlsx' } }, [100_000]);
    const copy = join(t.exportDirectory, 'resumed-check.xlsx');
    await writeFile(copy, file);
    execFileSync('unzip', ['-tq', copy]); // every entry's CRC and sizes
    const sheet = (buffer: Buffer) => {
      const book = XLSX.read(buffer, { type: 'buffer' });
      return XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet, { header: 1, defval: null });
    };
    const got = sheet(file);
    expect(got).toHaveLength(rows + 1);
    expect(got).toEqual(sheet(direct));
  });
});

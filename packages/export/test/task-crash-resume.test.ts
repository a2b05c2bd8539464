import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeEachDialect } from '@sluice/test-utils';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { ExportTaskRunner, type TaskProgress } from '../src/index.ts';
import { alice, crashTuning, createTaskFixture, type TaskFixture } from './task-fixture.ts';

/** Every book is alice's (libraries 1 and 2), ids 1..rows. */
const rows = 12_000;
const allIds = Array.from({ length: rows }, (_, i) => i + 1);

type Report = Partial<TaskProgress> & { ended?: string };

describeEachDialect('export tasks survive a killed worker', (dialect) => {
  let f: TaskFixture;
  beforeAll(async () => {
    f = await createTaskFixture(dialect, { books: rows, libraries: 2 });
  });
  afterAll(() => f?.close());

  /** A worker process (`run-task-child.ts`) that takes task `taskId` over and runs it slowly. */
  function startChild(taskId: number): { child: ChildProcess; reports: Report[]; exited: Promise<void> } {
    const script = join(import.meta.dirname, 'run-task-child.ts');
    const child = spawn(process.execPath, ['--conditions=sluice-source', script, dialect, f.database.url, f.directory, String(taskId)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const reports: Report[] = [];
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) reports.push(JSON.parse(line));
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    return { child, reports, exited };
  }

  /** Runs `request` as a task, SIGKILLing its worker process after a durable checkpoint past each kill point; returns the file. */
  async function crashAndResume(request: object, killPoints: number[]): Promise<Buffer> {
    const config = f.config(crashTuning);
    const task = await f.service.create(request, alice);
    const resumedFrom: number[] = [];

    for (const killAt of killPoints) {
      const { child, reports, exited } = startChild(task.id);
      const deadline = Date.now() + 60_000;
      // Killed once a checkpoint past the kill point is durable; the worker has written beyond it by then.
      while (((await f.load(task.id)).checkpoint?.rows ?? 0) < killAt) {
        if (reports.some((report) => report.ended) || Date.now() > deadline)
          throw new Error(`the worker ended before row ${killAt}: ${JSON.stringify(reports.at(-1))}`);
        await sleep(10);
      }
      child.kill('SIGKILL');
      await exited;
      resumedFrom.push(reports[0]?.resumedFrom ?? -1);
      expect((await f.load(task.id)).status).toBe('running');
      // The lease runs out; the reaper gives the task back to the queue for the next worker.
      await sleep(crashTuning.leaseMs + 100);
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
    return buffer((await f.service.file(task.id, alice)).stream);
  }

  it('resumes a CSV list after SIGKILL at several points; the file holds every row exactly once', { timeout: 120_000 }, async () => {
    const request = { export: 'list_books', formatter: { alias: 'csv_list' } };
    const file = await crashAndResume(request, [rows / 4, rows / 2, (rows * 3) / 4]);
    const records = parse(file, { bom: true }) as string[][];
    expect(records[0]).toEqual(['Id', 'Title', 'Library', 'Pages']);
    expect(records.slice(1).map((record) => Number(record[0]))).toEqual(allIds);
    expect(file.equals(await f.direct(request))).toBe(true);
  });

  it('resumes a list of chosen columns without its row key, in their order and under their labels', { timeout: 120_000 }, async () => {
    const request = { export: 'list_books', formatter: { alias: 'csv_list' }, columns: [{ key: 'pages', label: 'Pages read' }, { key: 'title' }] };
    const file = await crashAndResume(request, [rows / 2]);
    const records = parse(file, { bom: true }) as string[][];
    expect(records[0]).toEqual(['Pages read', 'Title']);
    // Every title ends with its book's id: each book once, in id order.
    expect(records.slice(1).map((record) => Number(/\d+$/.exec(record[1] ?? '')?.[0]))).toEqual(allIds);
    expect(file.equals(await f.direct(request))).toBe(true);
  });

  it('resumes an XLSX list the same way (its zip continued, not restarted)', { timeout: 120_000 }, async () => {
    const request = { export: 'list_books', formatter: { alias: 'xlsx' } };
    const file = await crashAndResume(request, [rows / 2]);
    const copy = join(f.directory, 'resumed-check.xlsx');
    await writeFile(copy, file);
    execFileSync('unzip', ['-tq', copy]); // every entry's CRC and sizes
    const sheet = (data: Buffer) => {
      const book = XLSX.read(data, { type: 'buffer' });
      return XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet, { header: 1, defval: null });
    };
    const got = sheet(file);
    expect(got.slice(1).map((row) => Number(row[0]))).toEqual(allIds);
    expect(got).toEqual(sheet(await f.direct(request)));
  });
});

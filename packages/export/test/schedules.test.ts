import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEachDialect } from '@sluice/test-utils';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ExportDelivery,
  ExportSchedule,
  ExportTask,
  ExportTaskRunner,
  ExportTaskService,
  type ExportUser,
  SavedExportService,
  ScheduleRun,
  ScheduleRunner,
  ScheduleService,
} from '../src/index.ts';
import { alice, codeOf, createTaskFixture, listRequest, type TaskFixture, taskUser } from './task-fixture.ts';

const withMail = (user: ExportUser): ExportUser => ({ ...user, email: `${user.username}@example.com` });
const owner = withMail(alice);
/** Carol exports library 1 only. */
const carol = withMail(taskUser(3, 'carol', ['1']));
/** Dave exports library 3: another center. */
const dave = withMail(taskUser(4, 'dave', ['3']));
/** Erin uses library 2 but holds no role. */
const erin = withMail(taskUser(5, 'erin', ['2'], []));
/** Frank exports library 3 but nothing is shared with him. */
const frank = withMail(taskUser(6, 'frank', ['3']));
const users = [owner, carol, dave, erin, frank];

const at = (iso: string) => new Date(iso);

describeEachDialect('schedules', (dialect) => {
  let f: TaskFixture;
  let saved: SavedExportService;
  let clock: Date;
  let schedules: ScheduleService;
  let taskRunner: ExportTaskRunner;
  const runner = (runnerId: string) => new ScheduleRunner({ savedExports: saved, runnerId, leaseMs: 60_000, now: () => clock });

  beforeAll(async () => {
    f = await createTaskFixture(dialect, { books: 300 });
    const loadUser = async (_: unknown, id: number) => users.find((user) => user.id === id) ?? null;
    saved = new SavedExportService(new ExportTaskService(f.config({ loadUser, deliveries: { email: true } })));
    schedules = new ScheduleService(saved, { now: () => clock });
    taskRunner = new ExportTaskRunner(f.config({ loadUser }));
  });
  afterAll(() => f?.close());

  /** A saved export of alice's, shared with exporters, scheduled at `clock` = `since`. */
  async function scheduled(since: string, schedule: Record<string, unknown>, sharing: Record<string, unknown> = { sharedRoles: ['EXPORT'] }) {
    clock = at(since);
    const board = await saved.create({ name: 'Board', request: listRequest, ...sharing }, owner);
    const set = await schedules.set(board.id, { recipients: [owner.id], ...schedule }, owner);
    return { board, set };
  }

  const runsOf = (scheduleId: number) => f.orm.em.fork().find(ScheduleRun, { scheduleId }, { orderBy: { dueAt: 'asc', recipientId: 'asc' } });
  const tasksOf = (savedExportId: number) => f.orm.em.fork().find(ExportTask, { savedExportId }, { orderBy: { id: 'asc' } });
  /** Stops the schedule from being claimed by later tests' runners. */
  const done = (savedExportId: number) => schedules.delete(savedExportId, owner);

  it('validates cron, zone and recipients, and lets only the owner see or change the schedule', async () => {
    clock = at('2026-01-05T10:00:00Z');
    const board = await saved.create({ name: 'Checked', request: listRequest, sharedScopes: ['1'] }, owner);
    const set = (body: Record<string, unknown>, user: ExportUser = owner) =>
      schedules.set(board.id, { cron: '0 8 * * *', timeZone: 'Europe/Brussels', recipients: [owner.id], ...body }, user);
    expect(await codeOf(set({ cron: '61 * * * *' }))).toBe('SCHEDULE_INVALID');
    expect(await codeOf(set({ cron: '0 0 8 * * *' }))).toBe('SCHEDULE_INVALID'); // seconds: 6 fields
    expect(await codeOf(set({ cron: '@daily' }))).toBe('SCHEDULE_INVALID');
    expect(await codeOf(set({ timeZone: 'Mars/Olympus' }))).toBe('SCHEDULE_INVALID');
    expect(await codeOf(set({ recipients: [999] }))).toBe('SCHEDULE_INVALID');
    expect(await codeOf(set({ recipients: [] }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(set({}, carol))).toBe('SAVED_EXPORT_FORBIDDEN'); // shared with her, not hers
    expect(await codeOf(set({}, dave))).toBe('SAVED_EXPORT_NOT_FOUND'); // not even shared
    expect(await codeOf(schedules.get(board.id, owner))).toBe('SCHEDULE_NOT_FOUND');
    const stored = await set({ cron: ' 0  8 * * 1 ', keepFiles: 3 });
    expect(stored).toMatchObject({ cron: '0 8 * * 1', timeZone: 'Europe/Brussels', enabled: true, keepFiles: 3, recipients: [owner.id] });
    expect(stored.nextRunAt?.toISOString()).toBe('2026-01-12T07:00:00.000Z'); // next Monday, 08:00 in Brussels (UTC+1)
    const disabled = await set({ enabled: false });
    expect(disabled.nextRunAt).toBeNull();
    expect(await codeOf(schedules.runs(board.id, carol))).toBe('SAVED_EXPORT_FORBIDDEN');
    await done(board.id);
    expect(await codeOf(schedules.get(board.id, owner))).toBe('SCHEDULE_NOT_FOUND');
  });

  it('starts each due time exactly once however many runners race for it', async () => {
    const { board, set } = await scheduled('2026-02-01T09:59:00Z', { cron: '0 * * * *', timeZone: 'UTC', recipients: [owner.id, carol.id] });
    const runners = [runner('a'), runner('b'), runner('c')];
    for (let hour = 10; hour < 14; hour++) {
      clock = at(`2026-02-01T${hour}:00:05Z`);
      const ticks = runners.map(async (each, index) => {
        // SQLite has one writer: let each runner start before the next one does.
        for (let i = 0; i < index; i++) await new Promise(setImmediate);
        return each.tick();
      });
      const results = await Promise.all(ticks);
      expect(results.reduce((sum, tick) => sum + tick.claimed, 0)).toBe(1);
    }
    const runs = await runsOf(set.id);
    expect(runs.map((run) => [run.dueAt.toISOString().slice(11, 16), run.recipientId, run.status])).toEqual(
      [10, 11, 12, 13].flatMap((hour) => [
        [`${hour}:00`, owner.id, 'started'],
        [`${hour}:00`, carol.id, 'started'],
      ]),
    );
    const tasks = await tasksOf(board.id);
    expect(tasks).toHaveLength(8);
    expect(new Set(tasks.map((task) => task.id))).toEqual(new Set(runs.map((run) => run.taskId)));
    await done(board.id);
  });

  it('runs once for the latest missed time after downtime, and skips the older ones', async () => {
    const { board, set } = await scheduled('2026-02-02T10:30:00Z', { cron: '0 * * * *', timeZone: 'UTC' });
    expect(set.nextRunAt?.toISOString()).toBe('2026-02-02T11:00:00.000Z');
    clock = at('2026-02-02T14:20:00Z'); // down over 11:00, 12:00, 13:00 and 14:00
    expect(await runner('a').tick()).toEqual({ claimed: 1, started: 1, skipped: 0 });
    expect(await runner('a').tick()).toEqual({ claimed: 0, started: 0, skipped: 0 });
    expect((await runsOf(set.id)).map((run) => run.dueAt.toISOString())).toEqual(['2026-02-02T14:00:00.000Z']);
    expect(await schedules.get(board.id, owner)).toMatchObject({ nextRunAt: at('2026-02-02T15:00:00Z'), lastRunAt: at('2026-02-02T14:00:00Z') });
    await done(board.id);
  });

  it('keeps 08:00 Brussels time across the spring daylight-saving change', async () => {
    const { board, set } = await scheduled('2026-03-27T12:00:00Z', { cron: '0 8 * * *', timeZone: 'Europe/Brussels' });
    expect(set.nextRunAt?.toISOString()).toBe('2026-03-28T07:00:00.000Z'); // UTC+1
    const seen: string[] = [];
    for (const tick of ['2026-03-28T07:00:01Z', '2026-03-29T06:00:01Z', '2026-03-30T06:00:01Z']) {
      clock = at(tick);
      expect((await runner('a').tick()).claimed).toBe(1);
      seen.push((await schedules.get(board.id, owner)).nextRunAt?.toISOString() ?? '');
    }
    // From 29 March Brussels is UTC+2: 08:00 there is 06:00 UTC.
    expect(seen).toEqual(['2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z', '2026-03-31T06:00:00.000Z']);
    expect((await runsOf(set.id)).map((run) => run.dueAt.toISOString())).toEqual([
      '2026-03-28T07:00:00.000Z',
      '2026-03-29T06:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
    ]);
    await done(board.id);
  });

  it("runs as each recipient: their own center's rows only, e-mailed to their own address", async () => {
    const { board, set } = await scheduled('2026-04-01T06:00:00Z', { cron: '0 7 * * *', timeZone: 'UTC', recipients: [carol.id, dave.id] });
    clock = at('2026-04-01T07:00:00Z');
    expect(await runner('a').tick()).toMatchObject({ claimed: 1, started: 2 });
    const tasks = await tasksOf(board.id);
    const libraries = new Map<number, Set<string>>();
    for (const task of tasks) {
      const ended = await taskRunner.run(await taskRunner.claim(task.id));
      expect(ended.status, ended.errorMessage ?? '').toBe('succeeded');
      const rows = parse(await readFile(join(f.directory, ended.fileKey as string))) as string[][];
      expect(rows.length).toBeGreaterThan(1);
      libraries.set(task.ownerId, new Set(rows.slice(1).map((row) => row[2] as string)));
    }
    expect(libraries).toEqual(
      new Map([
        [carol.id, new Set(['1'])],
        [dave.id, new Set(['3'])],
      ]),
    );
    const deliveries = await f.orm.em.fork().find(ExportDelivery, { task: { $in: tasks.map((task) => task.id) } }, { populate: ['task'] });
    expect(new Map(deliveries.map((delivery) => [delivery.task.ownerId, delivery.target]))).toEqual(
      new Map([
        [carol.id, 'carol@example.com'],
        [dave.id, 'dave@example.com'],
      ]),
    );
    expect((await runsOf(set.id)).map((run) => run.status)).toEqual(['started', 'started']);
    await done(board.id);
  });

  it('skips a recipient who lost the right, with the reason on the run', async () => {
    // Shared with library 2 only: erin sees it but holds no role; frank (library 3) no longer sees it.
    const { board, set } = await scheduled(
      '2026-04-02T06:00:00Z',
      { cron: '0 7 * * *', timeZone: 'UTC', recipients: [owner.id, erin.id, frank.id] },
      { sharedScopes: ['2'] },
    );
    clock = at('2026-04-02T07:00:00Z');
    expect(await runner('a').tick()).toEqual({ claimed: 1, started: 1, skipped: 2 });
    const runs = await schedules.runs(board.id, owner);
    expect(runs.map((run) => [run.recipientId, run.status, run.reasonCode])).toEqual([
      [owner.id, 'started', null],
      [erin.id, 'skipped', 'EXPORT_FORBIDDEN'],
      [frank.id, 'skipped', 'SAVED_EXPORT_NOT_FOUND'],
    ]);
    expect(runs[1]?.reason).toBeTruthy();
    expect((await tasksOf(board.id)).map((task) => task.ownerId)).toEqual([owner.id]);
    expect(set.id).toBe(runs[0]?.scheduleId);
    await done(board.id);
  });

  it('never loses a run whose runner was killed between the claim and the tasks, nor starts it twice', async () => {
    const { board, set } = await scheduled('2026-04-03T06:00:00Z', { cron: '0 7 * * *', timeZone: 'UTC', recipients: [owner.id, carol.id] });
    clock = at('2026-04-03T07:00:00Z');
    // Runner a claims, then dies before creating any task: what it committed is the claim and the pending runs.
    expect(await runner('a').claimDue()).toBe(1);
    expect((await runsOf(set.id)).map((run) => run.status)).toEqual(['pending', 'pending']);
    expect(await runner('b').tick()).toEqual({ claimed: 0, started: 0, skipped: 0 }); // a's lease still holds
    clock = at('2026-04-03T07:01:01Z'); // a's lease is over
    const [first, second] = await Promise.all([runner('b').startPending(), new Promise(setImmediate).then(() => runner('c').startPending())]);
    expect((first?.started ?? 0) + (second?.started ?? 0)).toBe(2);
    expect((await runsOf(set.id)).map((run) => run.status)).toEqual(['started', 'started']);
    expect((await tasksOf(board.id)).map((task) => task.ownerId).sort()).toEqual([owner.id, carol.id].sort());
    expect(await runner('a').startPending()).toEqual({ started: 0, skipped: 0 });
    await done(board.id);
  });

  it('starts the runs of a runner process SIGKILLed between its claim and its tasks, once, after its lease', async () => {
    const { board, set } = await scheduled('2026-04-06T06:00:00Z', { cron: '0 7 * * *', timeZone: 'UTC', recipients: [owner.id, dave.id] });
    const due = '2026-04-06T07:00:00.000Z';
    const script = join(import.meta.dirname, 'claim-schedule-child.ts');
    const child = spawn(process.execPath, ['--conditions=sluice-source', script, dialect, f.database.url, f.directory, due], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((done) => child.once('exit', done));
    const said = await new Promise<string>((heard, failed) => {
      child.stdout?.once('data', (chunk: Buffer) => heard(chunk.toString()));
      child.once('exit', (code) => failed(new Error(`the runner process exited (${code}) before claiming`)));
    });
    expect(JSON.parse(said)).toEqual({ claimed: 1 });
    child.kill('SIGKILL');
    await exited;
    expect((await runsOf(set.id)).map((run) => run.status)).toEqual(['pending', 'pending']);
    expect(await tasksOf(board.id)).toEqual([]);
    clock = at(due);
    expect(await runner('b').tick()).toEqual({ claimed: 0, started: 0, skipped: 0 }); // its lease still holds
    clock = at('2026-04-06T07:01:01Z');
    expect(await runner('b').tick()).toEqual({ claimed: 0, started: 2, skipped: 0 });
    expect(await runner('c').tick()).toEqual({ claimed: 0, started: 0, skipped: 0 });
    expect((await tasksOf(board.id)).map((task) => task.ownerId).sort()).toEqual([owner.id, dave.id].sort());
    await done(board.id);
  });

  it('starts each run once when a slow runner whose lease ran out races the runner taking over', async () => {
    for (let round = 0; round < 3; round++) {
      const day = `2026-05-0${round + 1}`;
      const { board, set } = await scheduled(`${day}T06:00:00Z`, { cron: '0 7 * * *', timeZone: 'UTC', recipients: [owner.id, carol.id, dave.id] });
      const due = at(`${day}T07:00:00Z`);
      expect(await runner('slow').claimDue(due)).toBe(1);
      // The slow runner still believes in its lease (its clock says so); the other one's clock says it ran out.
      const [slow, other] = await Promise.all([
        runner('slow').startPending(due),
        new Promise(setImmediate).then(() => runner('other').startPending(new Date(due.getTime() + 61_000))),
      ]);
      expect((slow?.started ?? 0) + (other?.started ?? 0)).toBe(3);
      expect((await runsOf(set.id)).map((run) => run.status)).toEqual(['started', 'started', 'started']);
      expect((await tasksOf(board.id)).map((task) => task.ownerId).sort()).toEqual([owner.id, carol.id, dave.id].sort());
      await done(board.id);
    }
  });

  it('drops the schedule of a deleted saved export when it is next due', async () => {
    const { board, set } = await scheduled('2026-04-05T06:00:00Z', { cron: '0 7 * * *', timeZone: 'UTC' });
    await saved.delete(board.id, owner);
    clock = at('2026-04-05T07:00:00Z');
    expect(await runner('a').tick()).toEqual({ claimed: 0, started: 0, skipped: 0 });
    expect(await f.orm.em.fork().count(ExportSchedule, { id: set.id })).toBe(0);
    expect(await runsOf(set.id)).toEqual([]);
  });

  it('keeps the last N files of each recipient; the task file cleanup removes older ones', async () => {
    const { board } = await scheduled('2026-04-04T06:30:00Z', { cron: '0 * * * *', timeZone: 'UTC', keepFiles: 2 });
    const files: string[] = [];
    for (const hour of ['07', '08', '09']) {
      clock = at(`2026-04-04T${hour}:00:00Z`);
      await runner('a').tick();
      const [task] = (await tasksOf(board.id)).slice(-1);
      const ended = await taskRunner.run(await taskRunner.claim((task as ExportTask).id));
      files.push(ended.fileKey as string);
    }
    clock = at('2026-04-04T10:00:00Z');
    await runner('a').tick(); // the 10:00 run: keeps 09:00 and 10:00, expires 07:00 and 08:00
    expect(await saved.tasks.cleanup(clock)).toBe(2);
    const kept = await tasksOf(board.id);
    expect(kept.map((task) => task.fileKey)).toEqual([null, null, files[2], null]);
    await expect(readFile(join(f.directory, files[0] as string))).rejects.toThrow(/ENOENT/);
    await done(board.id);
    expect(await f.orm.em.fork().count(ExportSchedule, { savedExportId: board.id })).toBe(0);
  });
});

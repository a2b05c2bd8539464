import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeEachDialect } from '@sluice/test-utils';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  csvListFormatter,
  ExportRegistry,
  type ExportTask,
  ExportTaskRunner,
  ExportTaskService,
  type ExportUser,
  SavedExport,
  SavedExportService,
} from '../src/index.ts';
import { alice, codeOf, countRequest, createTaskFixture, listBooks, listRequest, type TaskFixture, taskUser } from './task-fixture.ts';

/** Carol exports library 1 only: fewer scopes than alice. */
const carol = taskUser(3, 'carol', ['1']);
/** Dave exports another center's books (library 3), with the same role. */
const dave = taskUser(4, 'dave', ['3']);
/** Erin uses library 2 but holds no role at all. */
const erin = taskUser(5, 'erin', ['2'], []);
const users = [alice, carol, dave, erin];

/** The code of what `action` rejects with (fails when it does not reject). */

describeEachDialect('saved exports', (dialect) => {
  let f: TaskFixture;
  let tasks: ExportTaskService;
  let saved: SavedExportService;
  let runner: ExportTaskRunner;
  beforeAll(async () => {
    f = await createTaskFixture(dialect, { books: 600 });
    const loadUser = async (_: unknown, id: number) => users.find((user) => user.id === id) ?? null;
    tasks = new ExportTaskService(f.config({ loadUser }));
    saved = new SavedExportService(tasks);
    runner = new ExportTaskRunner(f.config({ loadUser }));
  });
  afterAll(() => f?.close());

  const create = (user: ExportUser, fields: Record<string, unknown> = {}) => saved.create({ name: 'Books', request: listRequest, ...fields }, user);

  /** Runs `task` to its end and answers the library of every row of its CSV file. */
  async function librariesOf(task: ExportTask): Promise<string[]> {
    const ended = await runner.run(await runner.claim(task.id));
    expect(ended.status, ended.errorMessage ?? '').toBe('succeeded');
    const rows = parse(await readFile(join(f.directory, ended.fileKey as string))) as string[][];
    expect(rows[0]).toEqual(['Id', 'Title', 'Library', 'Pages']);
    return rows.slice(1).map((row) => row[2] as string);
  }

  it('validates the request for the caller and keeps it as written', async () => {
    const board = await create(alice, { name: '  Board list ', description: 'for the board', sharedRoles: ['EXPORT'], sharedScopes: [1] });
    expect(board).toMatchObject({ name: 'Board list', description: 'for the board', ownerId: alice.id, version: 1, sharedScopes: ['1'], shared: true });
    // No scopes chosen stays no scopes: each run uses its caller's.
    expect(board.request).toEqual({ ...listRequest, filters: {}, aggregators: {}, formatter: { alias: 'csv_list', params: {} } });
    expect(await codeOf(create(alice, { request: { export: 'list_nothing', formatter: { alias: 'csv_list' } } }))).toBe('EXPORT_UNKNOWN_ELEMENT');
    expect(await codeOf(create(alice, { request: { ...listRequest, scopes: ['3'] } }))).toBe('EXPORT_FORBIDDEN');
    expect(await codeOf(create(erin))).toBe('EXPORT_FORBIDDEN');
    expect(await codeOf(create(alice, { name: '' }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(create(alice, { name: 'x'.repeat(201) }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(create(alice, { owner: 'mallory' }))).toBe('VALIDATION_FAILED');
  });

  it('lets exactly one of two concurrent updates from the same version win; the other gets a 409', async () => {
    for (let round = 0; round < 5; round++) {
      const target = await create(alice, { name: `Race ${round}` });
      const first = saved.update(target.id, { expectedVersion: 1, name: `First ${round}` }, alice);
      // SQLite has one writer: let the first one start before the second.
      await new Promise(setImmediate);
      const second = saved.update(target.id, { expectedVersion: 1, name: `Second ${round}`, description: 'second' }, alice);
      const outcomes = await Promise.allSettled([first, second]);
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toMatchObject({ code: 'SAVED_EXPORT_VERSION_CONFLICT', statusCode: 409, details: { currentVersion: 2 } });
      const stored = await f.orm.em.fork().findOneOrFail(SavedExport, { id: target.id });
      expect(stored.version).toBe(2);
      expect(stored.name).toBe((won[0] as PromiseFulfilledResult<SavedExport>).value.name);
    }
  });

  it('updates with the current version, validates the new request, and refuses a stale one', async () => {
    const target = await create(alice);
    const renamed = await saved.update(target.id, { expectedVersion: 1, name: 'Renamed', sharedScopes: ['2'] }, alice);
    expect(renamed).toMatchObject({ name: 'Renamed', version: 2, shared: true, sharedScopes: ['2'], request: target.request });
    expect(await codeOf(saved.update(target.id, { expectedVersion: 1, name: 'Stale' }, alice))).toBe('SAVED_EXPORT_VERSION_CONFLICT');
    expect(await codeOf(saved.update(target.id, { expectedVersion: 2, request: { export: 'gone', formatter: { alias: 'csv' } } }, alice))).toBe(
      'EXPORT_UNKNOWN_ELEMENT',
    );
    expect(await codeOf(saved.update(target.id, { name: 'No version' }, alice))).toBe('VALIDATION_FAILED');
    const unshared = await saved.update(target.id, { expectedVersion: 2, request: countRequest, sharedScopes: [] }, alice);
    expect(unshared).toMatchObject({ version: 3, shared: false, request: { export: 'count_books' } });
    expect((await f.orm.em.fork().findOneOrFail(SavedExport, { id: target.id })).name).toBe('Renamed');
  });

  it('never shows, runs, changes or re-runs an unshared export or a task to another user', async () => {
    const mine = await create(alice, { name: 'Private' });
    const task = await saved.run(mine.id, alice);
    for (const other of [carol, dave, erin]) {
      expect((await saved.list(other)).map((item) => item.id)).not.toContain(mine.id);
      expect(await codeOf(saved.get(mine.id, other))).toBe('SAVED_EXPORT_NOT_FOUND');
      expect(await codeOf(saved.run(mine.id, other))).toBe('SAVED_EXPORT_NOT_FOUND');
      expect(await codeOf(saved.duplicate(mine.id, other))).toBe('SAVED_EXPORT_NOT_FOUND');
      expect(await codeOf(saved.update(mine.id, { expectedVersion: 1, name: 'Mine now' }, other))).toBe('SAVED_EXPORT_NOT_FOUND');
      expect(await codeOf(saved.delete(mine.id, other))).toBe('SAVED_EXPORT_NOT_FOUND');
      expect(await codeOf(tasks.rerun(task.id, other))).toBe('NOT_FOUND');
    }
    // The same answer as for an id that never existed: nothing tells the two apart.
    expect(await codeOf(saved.get(mine.id + 10_000, dave))).toBe('SAVED_EXPORT_NOT_FOUND');
    expect((await saved.get(mine.id, alice)).name).toBe('Private');
    expect((await saved.list(alice)).map((item) => item.id)).toContain(mine.id);
  });

  it('shows a shared export to those it is shared with, who may run and copy it but not change or delete it', async () => {
    const byScope = await create(alice, { name: 'Library 1 only', sharedScopes: ['1'] });
    const byRole = await create(alice, { name: 'Exporters', sharedRoles: ['EXPORT'] });
    const listed = async (user: ExportUser) => (await saved.list(user)).map((item) => item.id).filter((id) => [byScope.id, byRole.id].includes(id));
    expect(await listed(carol)).toEqual([byRole.id, byScope.id]); // by name
    expect(await listed(dave)).toEqual([byRole.id]);
    expect(await listed(erin)).toEqual([]); // library 2, no role
    expect(await codeOf(saved.update(byScope.id, { expectedVersion: 1, name: 'Carol’s' }, carol))).toBe('SAVED_EXPORT_FORBIDDEN');
    expect(await codeOf(saved.delete(byScope.id, carol))).toBe('SAVED_EXPORT_FORBIDDEN');
    const copy = await saved.duplicate(byScope.id, carol);
    expect(copy).toMatchObject({ name: 'Library 1 only (copy)', ownerId: carol.id, ownerName: 'carol', shared: false, version: 1, request: byScope.request });
    await saved.delete(copy.id, carol);
    expect(await codeOf(saved.get(copy.id, carol))).toBe('SAVED_EXPORT_NOT_FOUND');
    expect((await saved.get(byScope.id, alice)).version).toBe(1);
  });

  it('runs a shared export with the caller’s own scopes: only their rows are written', async () => {
    const both = await create(alice, { name: 'Libraries 1 and 2', request: { ...listRequest, scopes: ['1', '2'] }, sharedRoles: ['EXPORT'] });
    const asCarol = await saved.run(both.id, carol);
    expect(asCarol).toMatchObject({ ownerId: carol.id, savedExportId: both.id, request: { scopes: ['1'] } });
    const carolsRows = await librariesOf(asCarol);
    expect(carolsRows.length).toBeGreaterThan(0);
    expect(new Set(carolsRows)).toEqual(new Set(['1']));
    // Dave shares none of its chosen scopes: the registry refuses, it does not fall back to his.
    expect(await codeOf(saved.run(both.id, dave))).toBe('EXPORT_FORBIDDEN');

    const anyScope = await create(alice, { name: 'My libraries', sharedRoles: ['EXPORT'] });
    expect(new Set(await librariesOf(await saved.run(anyScope.id, dave)))).toEqual(new Set(['3']));
    expect(new Set(await librariesOf(await saved.run(anyScope.id, alice)))).toEqual(new Set(['1', '2']));
    // In the runner's language when the application knows it (a scheduled run for a recipient), else as saved.
    expect((await saved.run(anyScope.id, { ...dave, locale: 'nl' })).request.locale).toBe('nl');
    expect((await saved.run(anyScope.id, dave)).request.locale).toBeUndefined();
  });

  it('re-runs a task with the same request and saved export, validated again', async () => {
    const source = await create(alice, { name: 'Counts', request: countRequest, sharedScopes: ['1'] });
    const first = await saved.run(source.id, carol);
    const again = await tasks.rerun(first.id, carol);
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ ownerId: carol.id, savedExportId: source.id, status: 'queued' });
    expect(again.request).toEqual(first.request);
    expect(tasks.view(again, carol).savedExportId).toBe(source.id);
    const plain = await tasks.create(listRequest, alice);
    expect((await tasks.rerun(plain.id, alice)).savedExportId).toBeNull();
    // An element removed from the registry since: the same answer as for a new request naming it.
    const { registry: _, ...rest } = f.config();
    const withoutCounts = new ExportTaskService({ ...rest, registry: registryWithout() });
    expect(await codeOf(withoutCounts.rerun(first.id, carol))).toBe('EXPORT_UNKNOWN_ELEMENT');
  });
});

/** The task tests' registry, less its tabular export (as after an upgrade that removed it). */
function registryWithout(): ExportRegistry {
  return new ExportRegistry().registerExport(listBooks).registerFormatter(csvListFormatter);
}

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { defineEntity, type InferEntity, MikroORM, p } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { SluiceError } from '@sluice/core';
import { type DialectName, dialectNamed } from '@sluice/db';
import { createTestDatabase, mikroOrmConnection, type TestDatabase } from '@sluice/test-utils';
import { expect } from 'vitest';
import { z } from 'zod';
import {
  type AggregatorDefinition,
  csvFormatter,
  csvListFormatter,
  DirectoryTaskStorage,
  type ExportDefinition,
  ExportDelivery,
  ExportRegistry,
  type ExportRegistryOptions,
  ExportSchedule,
  ExportTask,
  type ExportTaskConfig,
  ExportTaskOwner,
  ExportTaskService,
  type ExportUser,
  type ListExportDefinition,
  SavedExport,
  ScheduleRun,
  writeExport,
  xlsxFormatter,
} from '../src/index.ts';

/** The rows the task tests export: books, each in one library (the scope). */
export const Book = defineEntity({
  name: 'TaskBook',
  tableName: 'task_book',
  properties: {
    id: p.integer().primary(),
    title: p.string().length(100),
    libraryId: p.integer().index(),
    pages: p.integer(),
  },
});
export type Book = InferEntity<typeof Book>;

/** Every entity the task tests need: theirs and the package's task, delivery, saved-export and schedule tables. */
export const taskEntities = [Book, ExportTask, ExportTaskOwner, ExportDelivery, SavedExport, ExportSchedule, ScheduleRun];

const noParams = z.strictObject({});
const bookBase = {
  params: noParams,
  describe: () => 'Books',
  type: 'book',
  requiredRole: 'EXPORT',
  accepts: ['book'],
} as const;

/** One row per book of the chosen libraries, walked by id. */
export const listBooks: ListExportDefinition<Record<string, never>> = {
  ...bookBase,
  alias: 'list_books',
  title: 'List books',
  description: 'One row per book',
  kind: 'list',
  initiateQuery: (ctx) => ctx.em.createQueryBuilder(Book, 'b').where({ libraryId: { $in: ctx.scopes.map(Number) } }),
  columns: [
    { key: 'id', label: 'Id', expression: 'b.id', type: 'integer' },
    { key: 'title', label: 'Title', expression: 'b.title' },
    { key: 'library', label: 'Library', expression: 'b.library_id', type: 'integer' },
    { key: 'pages', label: 'Pages', expression: 'b.pages', type: 'integer' },
  ],
  rowKey: { expression: 'b.id', type: 'integer' },
};

/** The number of books, grouped by the chosen aggregators. */
export const countBooks: ExportDefinition<Record<string, never>> = {
  ...bookBase,
  alias: 'count_books',
  title: 'Count books',
  description: 'Number of books',
  kind: 'tabular',
  initiateQuery: (ctx) => ctx.em.createQueryBuilder(Book, 'b').where({ libraryId: { $in: ctx.scopes.map(Number) } }),
  columns: () => [{ key: 'count', label: 'Books', expression: 'count(b.id)', type: 'integer' }],
};

export const bookLibraryAggregator: AggregatorDefinition<Record<string, never>> = {
  alias: 'book_library',
  title: 'Library',
  description: 'Group by library',
  params: noParams,
  describe: () => 'By library',
  applyOn: 'book',
  keys: () => [{ key: 'book_library', label: 'Library', expression: 'b.library_id' }],
  labels: (_, values) => new Map(values.map((value) => [value, `Library ${String(value)}`])),
};

/** The registry of the task tests: a list with a row key and a tabular export. */
export function taskRegistry(options: ExportRegistryOptions = {}): ExportRegistry {
  const registry = new ExportRegistry(options).registerExport(listBooks).registerExport(countBooks).registerAggregator(bookLibraryAggregator);
  for (const formatter of [csvFormatter, csvListFormatter, xlsxFormatter]) registry.registerFormatter(formatter as never);
  return registry;
}

/** A user of the task tests: `roles` held in every one of `scopes`. */
export function taskUser(id: number, username: string, scopes: string[], roles: string[] = ['EXPORT'], isAdmin = false): ExportUser {
  return { id, username, scopes, hasRole: (role, scope) => scopes.includes(scope) && roles.includes(role), isAdmin };
}

/** Alice may export books of libraries 1 and 2. */
export const alice = taskUser(2, 'alice', ['1', '2']);
export const listRequest = { export: 'list_books', formatter: { alias: 'csv_list' } };
export const countRequest = { export: 'count_books', aggregators: { book_library: {} }, formatter: { alias: 'csv' } };

/** Tuning that lets tests run many tasks quickly and see leases, heartbeats and checkpoints at work. */
export const fastTuning = {
  rateLimit: { maxPerWindow: 1_000, windowMs: 60_000, maxLive: 1_000 },
  heartbeatMs: 50,
  checkpointMs: 0,
  leaseMs: 2_000,
} satisfies Partial<ExportTaskConfig>;

/** The crash tests' worker processes: a short lease and a checkpoint after every page. */
export const crashTuning = { leaseMs: 500, heartbeatMs: 100, checkpointMs: 0, pageSize: 100 } satisfies Partial<ExportTaskConfig>;
/** Their writes are this slow (ms per KiB), so that the test can kill a run part-way. */
export const crashSlowMsPerKiB = 5;

const titles: Record<DialectName, (i: string) => string> = {
  // Every 97th title needs CSV quoting and formula neutralising.
  sqlite: (i) => `case when ${i} % 97 = 0 then '=HYPERLINK("x"), ok ' || ${i} else 'Book ' || ${i} end`,
  postgresql: (i) => `case when ${i} % 97 = 0 then '=HYPERLINK("x"), ok ' || ${i} else 'Book ' || ${i} end`,
  mariadb: (i) => `case when ${i} % 97 = 0 then concat('=HYPERLINK("x"), ok ', ${i}) else concat('Book ', ${i}) end`,
};

/** Each database's own row generator: `rows` books, ids 1..rows, spread over libraries 1..`libraries`. */
const generators: Record<DialectName, (rows: number, libraries: number) => string> = {
  sqlite: (rows, libraries) =>
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${rows}) insert into task_book (id, title, library_id, pages) select i, ${titles.sqlite('i')}, 1 + i % ${libraries}, i % 500 from n`,
  postgresql: (rows, libraries) =>
    `insert into task_book (id, title, library_id, pages) select i, ${titles.postgresql('i')}, 1 + i % ${libraries}, i % 500 from generate_series(1, ${rows}) as i`,
  mariadb: (rows, libraries) =>
    `insert into task_book (id, title, library_id, pages) select seq, ${titles.mariadb('seq')}, 1 + seq % ${libraries}, seq % 500 from seq_1_to_${rows}`,
};

/** An ORM on `database` with the task entities (another worker process opens its own the same way). */
export async function openTaskOrm(database: Pick<TestDatabase, 'dialect' | 'url'>): Promise<MikroORM<AbstractSqlDriver, EntityManager>> {
  return (await MikroORM.init({
    ...mikroOrmConnection(database as TestDatabase),
    entities: taskEntities,
    forceUtcTimezone: true,
    allowGlobalContext: false,
  })) as MikroORM<AbstractSqlDriver, EntityManager>;
}

/** A task configuration on `em` with files in `directory`; the owner is read from `users`. */
export function taskConfig(em: EntityManager, directory: string, overrides: Partial<ExportTaskConfig> = {}): ExportTaskConfig {
  return {
    em,
    registry: taskRegistry(),
    storage: new DirectoryTaskStorage(directory),
    loadUser: async (_, id) => (id === alice.id ? alice : null),
    ...fastTuning,
    ...overrides,
  };
}

/** A fresh database of one dialect with books and the task tables, and a directory for task files. */
export interface TaskFixture {
  dialect: DialectName;
  database: TestDatabase;
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  directory: string;
  /** Books in alice's libraries (1 and 2). */
  visibleBooks: number;
  /** A task configuration on the fixture's ORM (or `em`), with {@link fastTuning} and `overrides`. */
  config(overrides?: Partial<ExportTaskConfig>, em?: EntityManager): ExportTaskConfig;
  service: ExportTaskService;
  load(id: number): Promise<ExportTask>;
  /** File names in the task directory that belong to task `id`. */
  filesOf(id: number): Promise<string[]>;
  /** What a direct (not task) export of `request` writes for alice. */
  direct(request: object): Promise<Buffer>;
  close(): Promise<void>;
}

/** Creates the fixture: `books` books over `libraries` libraries (alice sees libraries 1 and 2). */
export async function createTaskFixture(dialect: DialectName, options: { books: number; libraries?: number }): Promise<TaskFixture> {
  const libraries = options.libraries ?? 3;
  const database = await createTestDatabase(dialect);
  const orm = await openTaskOrm(database);
  await orm.schema.create();
  const connection = orm.em.getConnection();
  await connection.execute(generators[dialect](options.books, libraries));
  // Fresh statistics: an unanalysed table gets slow keyset plans.
  await connection.execute(dialectNamed(dialect).analyze(['task_book']));
  const directory = await mkdtemp(join(tmpdir(), 'sluice-tasks-'));
  const config = (overrides: Partial<ExportTaskConfig> = {}, em: EntityManager = orm.em) => taskConfig(em, directory, overrides);
  const [visible] = await connection.execute('select count(*) as n from task_book where library_id in (1, 2)');
  return {
    dialect,
    database,
    orm,
    directory,
    visibleBooks: Number(visible?.n),
    config,
    service: new ExportTaskService(config()),
    load: (id) => orm.em.fork().findOneOrFail(ExportTask, { id }),
    filesOf: async (id) => (await readdir(directory)).filter((name) => name.startsWith(`${id}-`)),
    direct: async (request) => {
      const out = new PassThrough();
      const collected = buffer(out);
      const writing = await writeExport(taskRegistry().prepare(request, alice), orm.em.fork(), out);
      await writing.done;
      return collected;
    },
    close: async () => {
      await orm.close(true);
      await database.drop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The code of the SluiceError `action` rejects with (fails the test when it resolves). */
export async function codeOf(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(SluiceError);
  return (error as SluiceError).code;
}

/**
 * A fresh app using the published sluice packages, as the root README's "Use sluice in your app" shows:
 * its own entities, a cursor walk, CSV and XLSX exports, a change and its sentence, an export task run
 * by the in-process worker. Run by test/consumer.once.test.ts against tarballs installed outside the
 * repository; prints what it saw as JSON.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineEntity, MikroORM, p } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { AuditSubscriber, auditEntities, HistoryReader, trackEntity } from '@sluice/audit';
import {
  csvListFormatter,
  DirectoryTaskStorage,
  type ExportDefinition,
  ExportRegistry,
  ExportTask,
  ExportTaskOwner,
  ExportTaskRunner,
  ExportTaskService,
  type ExportUser,
  PollingTaskWorker,
  writeExport,
  xlsxFormatter,
} from '@sluice/export';
import { paginateQueryBuilder } from '@sluice/pagination';
import { z } from 'zod';

const Book = defineEntity({
  name: 'Book',
  tableName: 'book',
  properties: { id: p.integer().primary(), title: p.string(), shelf: p.integer(), price: p.integer(), published: p.date() },
});

const audit = { entities: [trackEntity({ entity: Book, type: 'books', label: 'Book', fields: { price: { label: 'Price' } } })] };
const directory = process.env.APP_DIR ?? (await mkdtemp(join(tmpdir(), 'sluice-consumer-')));
const orm = await MikroORM.init({
  driver: SqliteDriver,
  dbName: join(directory, 'app.sqlite'),
  entities: [Book, ExportTask, ExportTaskOwner, ...auditEntities],
  subscribers: [new AuditSubscriber(audit)],
});
await orm.schema.create();
const em = orm.em.fork();
for (let id = 1; id <= 250; id++) em.create(Book, { id, title: `Book ${id}`, shelf: (id % 2) + 1, price: id * 10, published: '2024-05-06' });
await em.flush();

// Pagination: walk every book by cursor, 100 per page.
const books = paginateQueryBuilder(orm.em.fork(), orm.em.fork().createQueryBuilder(Book, 'b'), {
  orderings: { price: { expression: 'b.price', type: 'integer' } },
  cursorSecret: 'secret',
});
let walked = 0;
for await (const _ of books.iterate({ pageSize: 100 })) walked++;

// Exports: one list export, two formats, for a reader of both shelves.
const listBooks: ExportDefinition<Record<string, never>> = {
  alias: 'list_books',
  title: 'List books',
  description: 'One row per book',
  params: z.strictObject({}),
  describe: () => 'List books',
  type: 'book',
  kind: 'list',
  requiredRole: 'READ',
  accepts: [],
  initiateQuery: (ctx) => ctx.em.createQueryBuilder(Book, 'b').where({ shelf: { $in: ctx.scopes.map(Number) } }),
  columns: [
    { key: 'id', label: 'Id', expression: 'b.id', type: 'integer' },
    { key: 'title', label: 'Title', expression: 'b.title' },
    { key: 'published', label: 'Published', expression: 'b.published', type: 'date' },
  ],
  rowKey: { expression: 'b.id', type: 'integer' },
};
const registry = new ExportRegistry().registerExport(listBooks).registerFormatter(csvListFormatter).registerFormatter(xlsxFormatter);
const reader: ExportUser = { id: 1, username: 'reader', scopes: ['1', '2'], hasRole: () => true, isAdmin: true };
const files: Record<string, number> = {};
for (const alias of ['csv_list', 'xlsx']) {
  const prepared = registry.prepare({ export: 'list_books', formatter: { alias } }, reader);
  const file = join(directory, `books.${alias}`);
  await (await writeExport(prepared, orm.em.fork(), createWriteStream(file))).done;
  files[alias] = (await stat(file)).size;
}

// History: a change, as a sentence.
const changing = orm.em.fork();
const book = await changing.findOneOrFail(Book, 7);
book.price = 75;
await changing.flush();
const history = await new HistoryReader(audit).history(orm.em.fork(), 'books', 7, { limit: 10 });

// An export task, run by the in-process worker.
const config = { em: orm.em, registry, storage: new DirectoryTaskStorage(join(directory, 'exports')), loadUser: async () => reader };
const worker = new PollingTaskWorker(new ExportTaskRunner(config), { pollMs: 20 }).start();
const tasks = new ExportTaskService({ ...config, dispatcher: worker });
let task = await tasks.create({ export: 'list_books', formatter: { alias: 'csv_list' } }, reader);
for (let i = 0; i < 500 && (task.status === 'queued' || task.status === 'running'); i++) {
  await new Promise((wake) => setTimeout(wake, 20));
  task = await tasks.get(task.id, reader);
}
await worker.stop();
await orm.close();

console.log(JSON.stringify({ walked, files, sentence: history.items[0]?.changes[0]?.text, task: { status: task.status, rows: task.processedCount } }));

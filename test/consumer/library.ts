/**
 * The consumer app's own domain, shared by its Fastify server (server.ts) and its NestJS variant
 * (nestjs/main.ts): shelves and books as `defineEntity` entities, a list and a tabular export over
 * them, export tasks run by an in-process worker, the history of a book's price and title, one sync
 * mapping. Everything sluice needs from the app is here; the servers only mount routes.
 */
import { join } from 'node:path';
import { defineEntity, type InferEntity, MikroORM, p } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { type AuditOptions, AuditSubscriber, auditEntities, HistoryReader, trackEntity } from '@sluice/audit';
import {
  type AggregatorDefinition,
  csvFormatter,
  csvListFormatter,
  DirectoryTaskStorage,
  type ExportDefinition,
  ExportRegistry,
  ExportTask,
  ExportTaskOwner,
  ExportTaskRunner,
  ExportTaskService,
  type ExportUser,
  type FilterDefinition,
  PollingTaskWorker,
  xlsxFormatter,
} from '@sluice/export';
import { SyncServer, type SyncSubject, SyncSubscriber, syncEntities, syncEntity } from '@sluice/sync';
import { z } from 'zod';

export const Shelf = defineEntity({
  name: 'Shelf',
  tableName: 'shelf',
  properties: { id: p.integer().primary(), name: p.string() },
});
export type Shelf = InferEntity<typeof Shelf>;

export const Book = defineEntity({
  name: 'Book',
  tableName: 'book',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    shelf: () => p.manyToOne(Shelf),
    price: p.integer(),
    published: p.date(),
  },
});
export type Book = InferEntity<typeof Book>;

/** The app's one user, who may do everything on both shelves (a shelf is a sluice scope). */
export const reader = { id: 1, username: 'reader', password: 'reader', shelves: [1, 2] };
export const readerForExports: ExportUser = { id: reader.id, username: reader.username, scopes: reader.shelves.map(String), hasRole: () => true };
export const readerForSync: SyncSubject = { id: String(reader.id), scopes: reader.shelves.map(String) };

/** A book's price and title have a history, readable on the book's shelf. */
export const audit: AuditOptions = {
  entities: [
    trackEntity<Book>({
      entity: Book,
      type: 'books',
      label: 'Book',
      fields: { price: { label: 'Price' }, title: { label: 'Title' } },
      scope: (book) => book.shelf.id,
    }),
  ],
};

/** Offline clients sync the books of their shelves. */
export const syncMappings = [syncEntity<Book>({ name: 'books', entity: Book, fields: { title: 'title', price: 'price', shelf_id: 'shelf' }, scope: 'shelf' })];

const noParams = z.strictObject({});

const listBooks: ExportDefinition<Record<string, never>> = {
  alias: 'list_books',
  title: 'List books',
  description: 'One row per book',
  params: noParams,
  describe: () => 'List books',
  type: 'book',
  kind: 'list',
  requiredRole: 'READ',
  accepts: ['book'],
  initiateQuery: (ctx) =>
    ctx.em
      .createQueryBuilder(Book, 'b')
      .join('b.shelf', 's')
      .where({ shelf: { $in: ctx.scopes.map(Number) } }),
  columns: [
    { key: 'id', label: 'Id', expression: 'b.id', type: 'integer' },
    { key: 'title', label: 'Title', expression: 'b.title' },
    { key: 'shelf', label: 'Shelf', expression: 's.name' },
    { key: 'price', label: 'Price', expression: 'b.price', type: 'integer' },
    { key: 'published', label: 'Published', expression: 'b.published', type: 'date' },
  ],
  rowKey: { expression: 'b.id', type: 'integer' },
};

const countBooks: ExportDefinition<Record<string, never>> = {
  alias: 'count_books',
  title: 'Count books',
  description: 'Number of books and their average price',
  params: noParams,
  describe: () => 'Count books',
  type: 'book',
  kind: 'tabular',
  requiredRole: 'READ',
  accepts: ['book'],
  initiateQuery: (ctx) => ctx.em.createQueryBuilder(Book, 'b').where({ shelf: { $in: ctx.scopes.map(Number) } }),
  columns: () => [
    { key: 'count', label: 'Books', expression: 'count(b.id)', type: 'integer' },
    { key: 'average_price', label: 'Average price', expression: 'avg(b.price)', type: 'decimal' },
  ],
};

const priceRange = z
  .strictObject({ min: z.number().int().min(0).meta({ title: 'At least' }), max: z.number().int().min(0).meta({ title: 'At most' }) })
  .refine((range) => range.min <= range.max, { message: '"At most" must not be below "At least"', path: ['max'] });
const bookPrice: FilterDefinition<z.output<typeof priceRange>> = {
  alias: 'book_price',
  title: 'Price',
  description: 'Books in a price range',
  params: priceRange,
  describe: ({ min, max }) => `Priced from ${min} to ${max}`,
  applyOn: 'book',
  apply: (qb, { min, max }) => {
    qb.andWhere('b.price between ? and ?', [min, max]);
  },
};

const bookShelf: AggregatorDefinition<Record<string, never>> = {
  alias: 'book_shelf',
  title: 'Shelf',
  description: 'Group by shelf',
  params: noParams,
  describe: () => 'Grouped by shelf',
  applyOn: 'book',
  keys: () => [{ key: 'book_shelf', label: 'Shelf', expression: 'b.shelf_id' }],
  labels: async (_key, values, _params, ctx) => {
    const shelves = await ctx.em.find(Shelf, { id: { $in: values.map(Number) } });
    return new Map(values.map((value) => [value, shelves.find((shelf) => shelf.id === Number(value))?.name ?? String(value)]));
  },
};

export const registry = new ExportRegistry()
  .registerExport(listBooks)
  .registerExport(countBooks)
  .registerFilter(bookPrice)
  .registerAggregator(bookShelf)
  .registerFormatter(csvListFormatter)
  .registerFormatter(csvFormatter)
  .registerFormatter(xlsxFormatter);

/**
 * Opens (and on first use creates and fills) the app's SQLite database in `directory`: two shelves,
 * 250 books, book n priced n × 10. Starts the in-process export worker and the sync server.
 */
export async function openLibrary(directory: string) {
  const orm = await MikroORM.init({
    driver: SqliteDriver,
    dbName: join(directory, 'library.sqlite'),
    entities: [Shelf, Book, ExportTask, ExportTaskOwner, ...auditEntities, ...syncEntities],
    subscribers: [new AuditSubscriber(audit), new SyncSubscriber(syncMappings)],
  });
  await orm.schema.update();
  const em = orm.em.fork();
  if ((await em.count(Shelf)) === 0) {
    const shelves = [em.create(Shelf, { id: 1, name: 'Fiction' }), em.create(Shelf, { id: 2, name: 'Science' })];
    for (let id = 1; id <= 250; id++) em.create(Book, { id, title: `Book ${id}`, shelf: shelves[id % 2] as Shelf, price: id * 10, published: '2024-05-06' });
    await em.flush();
  }
  const taskConfig = {
    em: orm.em,
    registry,
    storage: new DirectoryTaskStorage(join(directory, 'exports')),
    loadUser: async (_em: unknown, id: number) => (id === reader.id ? readerForExports : null),
  };
  const worker = new PollingTaskWorker(new ExportTaskRunner(taskConfig), { pollMs: 200 }).start();
  const tasks = new ExportTaskService({ ...taskConfig, dispatcher: worker });
  const sync = new SyncServer({ mappings: syncMappings });
  await sync.init(orm.em.fork());
  const history = new HistoryReader(audit, { cursorSecret: 'consumer-history' });
  const close = async () => {
    await worker.stop();
    await orm.close();
  };
  return { orm, tasks, sync, history, close };
}

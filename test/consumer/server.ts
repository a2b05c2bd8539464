/**
 * The consumer app's own server: Fastify with its own tiny login (one fixed user, a session cookie or
 * the same token as a bearer), its own routes (`/api/me`, a book's price), sluice's route plugins
 * mounted on it, and its own page (web/, built by Vite) served at `/`. Run by test/consumer.once.test.ts
 * from the installed packages; prints `listening <url>` once it listens (`PORT`, default 0: any).
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { setAuditActor } from '@sluice/audit';
import { auditContextPlugin, historyRoutes } from '@sluice/audit/fastify';
import { AccessError, NotFoundError } from '@sluice/core';
import { frameworkErrorOptions, registerSluiceErrors } from '@sluice/core/fastify';
import { exportRoutes, exportTaskRoutes } from '@sluice/export/fastify';
import { syncRoutes } from '@sluice/sync/fastify';
import Fastify, { type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Book, openLibrary, reader, readerForExports, readerForSync, registry, Shelf } from './library.ts';

const directory = process.env.APP_DIR ?? join(import.meta.dirname, 'data');
const library = await openLibrary(directory);

// The login: one user, sessions in memory, the token in a cookie (the page) or a bearer header (scripts).
const sessions = new Set<string>();
const sessionCookie = 'library_session';
function sessionOf(request: FastifyRequest): string | undefined {
  const bearer = request.headers.authorization?.match(/^Bearer (\S+)$/)?.[1];
  const cookie = request.headers.cookie?.match(new RegExp(`(?:^|; *)${sessionCookie}=([^;]+)`))?.[1];
  return bearer ?? cookie;
}
const loggedIn = (request: FastifyRequest) => {
  const session = sessionOf(request);
  return session !== undefined && sessions.has(session);
};

// Errors are logged (a 500's cause shows in the test's failure message); the rest is quiet.
const app = Fastify({ ...frameworkErrorOptions, logger: { level: 'error' } });
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
registerSluiceErrors(app, { notFound: true });
await app.register(auditContextPlugin);
// Every /api route but login needs the session; its flushes are the reader's in the history.
app.addHook('onRequest', async (request) => {
  if (!request.url.startsWith('/api/') || request.url === '/api/login') return;
  if (!loggedIn(request)) throw AccessError.unauthenticated();
  setAuditActor({ id: reader.id, username: reader.username });
});

const routes = app.withTypeProvider<ZodTypeProvider>();
routes.post('/api/login', { schema: { body: z.object({ username: z.string(), password: z.string() }) } }, async (request, reply) => {
  if (request.body.username !== reader.username || request.body.password !== reader.password) throw AccessError.invalidCredentials();
  const token = randomUUID();
  sessions.add(token);
  return reply.header('set-cookie', `${sessionCookie}=${token}; Path=/; HttpOnly; SameSite=Lax`).send({ token });
});
routes.post('/api/logout', async (request, reply) => {
  sessions.delete(sessionOf(request) ?? '');
  return reply.header('set-cookie', `${sessionCookie}=; Path=/; Max-Age=0`).code(204).send();
});
// What @sluice/react's builder needs to know about the user (its `CurrentUser`): here, shelves are the scopes.
routes.get('/api/me', async () => {
  const shelves = await library.orm.em.fork().find(Shelf, { id: { $in: reader.shelves } }, { orderBy: { id: 'asc' } });
  return {
    id: reader.id,
    username: reader.username,
    roles: ['READ'],
    may: { export: true, history: true, sync: true },
    scopes: shelves.map(({ id, name }) => ({ id, name })),
  };
});
routes.get('/api/books/:id', { schema: { params: z.object({ id: z.coerce.number().int() }) } }, async (request) => {
  const book = await library.orm.em.fork().findOne(Book, request.params.id);
  if (!book) throw NotFoundError.resource('Book', String(request.params.id));
  return { id: book.id, title: book.title, price: book.price };
});
routes.patch(
  '/api/books/:id',
  { schema: { params: z.object({ id: z.coerce.number().int() }), body: z.object({ price: z.number().int().min(0) }) } },
  async (request) => {
    const em = library.orm.em.fork();
    const book = await em.findOne(Book, request.params.id);
    if (!book) throw NotFoundError.resource('Book', String(request.params.id));
    book.price = request.body.price;
    await em.flush();
    return { id: book.id, title: book.title, price: book.price };
  },
);

// sluice's routes, with the app's answers to "who is calling" and "which EntityManager".
const em = () => library.orm.em.fork();
const user = (request: FastifyRequest) => (loggedIn(request) ? readerForExports : null);
await app.register(exportRoutes, { prefix: '/api/exports', registry, user, em });
await app.register(exportTaskRoutes, {
  prefix: '/api/export-tasks',
  service: library.tasks,
  registry,
  cursorSecret: 'consumer-tasks',
  eventPollMs: 100,
  user,
  em,
});
await app.register(historyRoutes, {
  prefix: '/api/history',
  reader: library.history,
  em,
  scopes: (request) => (loggedIn(request) ? reader.shelves.map(String) : null),
});
await app.register(syncRoutes, { prefix: '/api/sync', sync: library.sync, em, subject: (request) => (loggedIn(request) ? readerForSync : null) });

// The page: web/dist as Vite built it, read once; every other path outside /api is the page itself.
const page = join(import.meta.dirname, 'web/dist');
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const files = new Map<string, { type: string; body: Buffer }>();
for (const file of await readdir(page, { recursive: true, withFileTypes: true })) {
  if (!file.isFile()) continue;
  const path = join(file.parentPath, file.name);
  files.set(`/${path.slice(page.length + 1)}`, { type: types[extname(file.name)] ?? 'application/octet-stream', body: await readFile(path) });
}
app.get('/*', (request, reply) => {
  const path = request.url.split('?')[0] ?? '/';
  const file = files.get(path) ?? (path.startsWith('/api/') || path.includes('.') ? undefined : files.get('/index.html'));
  if (!file) throw NotFoundError.route(request.method, path);
  return reply.type(file.type).send(file.body);
});

const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`listening ${url}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, async () => {
    await app.close();
    await library.close();
  });

/**
 * The consumer app on NestJS (Fastify adapter): a Nest module with a controller of its own, and
 * sluice's route plugins registered on the same Fastify instance. docs/recipes/nestjs.md walks through
 * it. Written without decorator syntax, which Node's type stripping does not run: each decorator is
 * applied as the function it is. Prints `listening <url>` once it listens (`PORT`, default 0: any).
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { setAuditActor } from '@sluice/audit';
import { auditContextPlugin, historyRoutes } from '@sluice/audit/fastify';
import { exportRoutes, exportTaskRoutes } from '@sluice/export/fastify';
import { syncRoutes } from '@sluice/sync/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { openLibrary, reader, readerForExports, readerForSync, registry } from '../library.ts';

// A Nest controller as usual; `@Controller('api')` and `@Get('health')` written as calls.
class HealthController {
  health() {
    return { status: 'ok' };
  }
}
Get('health')(HealthController.prototype, 'health', Object.getOwnPropertyDescriptor(HealthController.prototype, 'health') as PropertyDescriptor);
Controller('api')(HealthController);

class AppModule {}
Module({ controllers: [HealthController] })(AppModule);

const library = await openLibrary(process.env.APP_DIR ?? join(import.meta.dirname, 'data'));
const adapter = new FastifyAdapter();
const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { logger: false });
// Nest's adapter brings its own pinned fastify; typed as the app's own `fastify` (the one sluice's and
// fastify-type-provider-zod's declarations name), the instance takes sluice's plugins as they are.
const fastify = adapter.getInstance<FastifyInstance>();

// Nest's guards do not run for plain Fastify routes: the plugins ask the app who is calling.
const token = process.env.API_TOKEN ?? 'consumer-token';
const authenticated = (request: FastifyRequest) => request.headers.authorization === `Bearer ${token}`;
const user = (request: FastifyRequest) => (authenticated(request) ? readerForExports : null);
const em = () => library.orm.em.fork();

await fastify.register(auditContextPlugin);
fastify.addHook('onRequest', async (request) => {
  if (authenticated(request)) setAuditActor({ id: reader.id, username: reader.username });
});
await fastify.register(exportRoutes, { prefix: '/api/exports', registry, user, em });
await fastify.register(exportTaskRoutes, { prefix: '/api/export-tasks', service: library.tasks, registry, cursorSecret: 'consumer-tasks', user, em });
await fastify.register(historyRoutes, {
  prefix: '/api/history',
  reader: library.history,
  em,
  scopes: (request) => (authenticated(request) ? reader.shelves.map(String) : null),
});
await fastify.register(syncRoutes, { prefix: '/api/sync', sync: library.sync, em, subject: (request) => (authenticated(request) ? readerForSync : null) });

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`listening ${await app.getUrl()}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, async () => {
    await app.close();
    await library.close();
  });

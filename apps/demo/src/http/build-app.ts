import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { auditContextPlugin } from '@sluice/audit/fastify';
import { frameworkErrorOptions, registerSluiceErrors } from '@sluice/core/fastify';
import type { ExportTaskService, SavedExportService } from '@sluice/export';
import type { SyncServer } from '@sluice/sync';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { demoExportRegistry } from '../exports/demo-exports.ts';
import { authPlugin } from './auth-plugin.ts';
import { type LoginThrottleOptions, loginThrottlePlugin } from './login-throttle.ts';
import { documentRoute } from './openapi-conventions.ts';
import { activityRoutes } from './routes/activities.ts';
import { healthRoutes } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { orderRoutes } from './routes/orders.ts';
import { peopleRoutes } from './routes/people.ts';
import { userRoutes } from './routes/users.ts';
import { sluiceRoutes } from './sluice-routes.ts';
import { rejectUnstorableText } from './text-guard.ts';
import { webUiPlugin } from './web-ui.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** An EntityManager forked for this request only. */
    em: EntityManager;
  }
}

/** What the HTTP app needs from its host. */
export interface AppDependencies {
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  sessionTtlSeconds: number;
  /** How long a resolved session is remembered (default 5 s; 0 turns the cache off). */
  sessionCacheMs?: number;
  /** Signs pagination cursors. */
  cursorSecret: string;
  logger?: FastifyServerOptions['logger'];
  /** Export tasks behind `/api/export-tasks`. */
  exportTasks: ExportTaskService;
  /** Saved exports behind `/api/saved-exports` (default: over `exportTasks`). */
  savedExports?: SavedExportService;
  /** How often a task's event stream looks at it (default 500 ms). */
  eventPollMs?: number;
  /** The sync protocol behind `/api/sync` (initialised). */
  sync: SyncServer;
  /** Login attempts allowed per client address and per account (default 30 and 10 a minute). */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /** The built web UI (`apps/web/dist`) to serve at `/`; none by default. */
  webUiDirectory?: string;
}

/** Builds the demo's Fastify app without listening, so tests can `inject()` into it. */
export async function buildApp(dependencies: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({ logger: dependencies.logger ?? false, bodyLimit: 1_048_576, genReqId: () => crypto.randomUUID(), ...frameworkErrorOptions });
  // Every body is JSON: anything else answers 415 instead of reaching a schema as a string.
  app.removeContentTypeParser(['text/plain']);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerSluiceErrors(app, { notFound: true });
  app.addHook('onRoute', documentRoute);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'sluice demo API',
        version: '0.1.0',
        description: 'Reference app of the sluice toolkit. Errors answer `{"error":{"code","message","details"?}}`; docs/errors.md lists every code.',
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      },
      servers: [{ url: '/', description: 'This server' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyCookie);
  await app.register(auditContextPlugin);

  app.addHook('preValidation', rejectUnstorableText);
  app.decorateRequest('em', null as unknown as EntityManager);
  app.addHook('onRequest', async (request) => {
    request.em = dependencies.orm.em.fork();
  });
  await app.register(loginThrottlePlugin, { perAddress: 30, perAccount: 10, windowMs: 60_000, ...dependencies.loginThrottle });
  await app.register(authPlugin, { sessionTtlSeconds: dependencies.sessionTtlSeconds, sessionCacheMs: dependencies.sessionCacheMs });
  await app.register(healthRoutes);
  await app.register(meRoutes, { emailDeliveries: dependencies.exportTasks.config.deliveries.email === true });
  await app.register(userRoutes);
  const routeOptions = { cursorSecret: dependencies.cursorSecret };
  await app.register(peopleRoutes, routeOptions);
  await app.register(activityRoutes, routeOptions);
  await app.register(orderRoutes, routeOptions);
  await app.register(sluiceRoutes, {
    registry: demoExportRegistry(),
    exportTasks: dependencies.exportTasks,
    savedExports: dependencies.savedExports,
    sync: dependencies.sync,
    cursorSecret: dependencies.cursorSecret,
    eventPollMs: dependencies.eventPollMs,
  });
  if (dependencies.webUiDirectory) await app.register(webUiPlugin, { directory: dependencies.webUiDirectory });
  return app;
}

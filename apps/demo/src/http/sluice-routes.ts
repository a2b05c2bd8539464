import { HistoryReader } from '@sluice/audit';
import { historyRoutes } from '@sluice/audit/fastify';
import { idParam } from '@sluice/core/fastify';
import { type ExportRegistry, type ExportTaskService, SavedExportService, ScheduleService } from '@sluice/export';
import { exportRoutes, exportTaskRoutes, savedExportRoutes, scheduleRoutes } from '@sluice/export/fastify';
import type { SyncServer } from '@sluice/sync';
import { syncRoutes } from '@sluice/sync/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { demoAudit } from '../audit/tracked-entities.ts';
import { hasRole } from '../auth/current-user.ts';
import { exportUser } from '../exports/export-user.ts';

/** What the demo hands sluice's route plugins. */
export interface SluiceRouteOptions {
  registry: ExportRegistry;
  exportTasks: ExportTaskService;
  /** Default: over `exportTasks`. */
  savedExports?: SavedExportService;
  sync: SyncServer;
  cursorSecret: string;
  eventPollMs?: number;
}

/** Where each history type's row lives today, and the center that row is in (for entities without history yet). */
const currentCenter: Record<string, string> = {
  orders: 'select p.center_id as scope from customer_order o join person p on p.id = o.person_id where o.id = ?',
  people: 'select center_id as scope from person where id = ?',
  activities: 'select p.center_id as scope from activity a join person p on p.id = a.person_id where a.id = ?',
};

/**
 * sluice's own routes, mounted with the demo's answers to "who is calling": an authenticated user (the
 * auth hook ran), a scope per center, the `HISTORY` and `SYNC` roles (`ADMIN` holds every role).
 */
export async function sluiceRoutes(app: FastifyInstance, options: SluiceRouteOptions): Promise<void> {
  const em = (request: FastifyRequest) => request.em;
  const user = (request: FastifyRequest) => exportUser(request.user);
  const centers = (request: FastifyRequest) => request.user.centerIds.map(String);
  await app.register(exportRoutes, { prefix: '/api/exports', registry: options.registry, user, em });
  await app.register(exportTaskRoutes, {
    prefix: '/api/export-tasks',
    service: options.exportTasks,
    registry: options.registry,
    cursorSecret: options.cursorSecret,
    eventPollMs: options.eventPollMs,
    user,
    em,
  });
  const savedExports = options.savedExports ?? new SavedExportService(options.exportTasks);
  await app.register(savedExportRoutes, { prefix: '/api/saved-exports', service: savedExports, registry: options.registry, user, em });
  await app.register(scheduleRoutes, { prefix: '/api/saved-exports', service: new ScheduleService(savedExports), user, em });
  await app.register(historyRoutes, {
    prefix: '/api/history',
    reader: new HistoryReader(demoAudit, { cursorSecret: options.cursorSecret }),
    em,
    scopes: (request) => (hasRole(request.user, 'HISTORY') ? centers(request) : null),
    currentScope: async (request, type, id) => {
      // The demo's ids are 32-bit integers: anything else names no row (and must not reach an integer column).
      const key = idParam.safeParse(id);
      const statement = currentCenter[type];
      const [row] = statement && key.success ? await request.em.getConnection().execute(statement, [key.data]) : [];
      return row ? String(row.scope) : undefined;
    },
  });
  await app.register(syncRoutes, {
    prefix: '/api/sync',
    sync: options.sync,
    em,
    subject: (request) => (hasRole(request.user, 'SYNC') ? { id: String(request.user.id), scopes: centers(request) } : null),
  });
}

/**
 * The demo API as `npm start` builds it, plus two hand-written routes that run the same SQL with the
 * bare `pg` driver and serialise the same JSON (no session, no ORM, no schema): the anchor of
 * bench/http-routes.bench.ts. PostgreSQL only. Usage: node http-server.ts <database-url> <port>
 */
import pg from 'pg';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { startDemoExportTasks } from '../apps/demo/src/exports/export-tasks.ts';
import { buildApp } from '../apps/demo/src/http/build-app.ts';
import { startDemoSync } from '../apps/demo/src/sync/sync-server.ts';

const [url = '', port = '3900'] = process.argv.slice(2);
const { orm } = await openDatabase(url);
const tasks = await startDemoExportTasks(orm.em, { directory: '/tmp/sluice-http-bench', workers: 0 });
const app = await buildApp({ orm, sessionTtlSeconds: 3600, cursorSecret: 'bench', exportTasks: tasks.service, sync: await startDemoSync(orm.em) });

const pool = new pg.Pool({ connectionString: url, max: 10 });
type Row = {
  id: number;
  first_name: string;
  last_name: string;
  gender: string | null;
  birthdate: string | null;
  nationality: string | null;
  center_id: number;
  created_at: Date;
};
const columns = 'id, first_name, last_name, gender, birthdate::text as birthdate, nationality, center_id, created_at';
const person = (row: Row) => ({
  id: row.id,
  firstName: row.first_name,
  lastName: row.last_name,
  gender: row.gender,
  birthdate: row.birthdate,
  nationality: row.nationality,
  centerId: row.center_id,
  createdAt: row.created_at.toISOString(),
});
app.get('/bench/people', { config: { public: true }, schema: { hide: true } }, async () => {
  const { rows } = await pool.query<Row>(`select ${columns} from person where center_id in (1, 2) order by id limit 51`);
  return {
    items: rows.slice(0, 50).map(person),
    nextCursor: rows.length > 50 ? 'next' : null,
    previousCursor: null,
    hasNext: rows.length > 50,
    hasPrevious: false,
  };
});
app.get<{ Params: { id: string } }>('/bench/people/:id', { config: { public: true }, schema: { hide: true } }, async (request) => {
  const { rows } = await pool.query<Row>(`select ${columns} from person where id = $1 and center_id in (1, 2)`, [Number(request.params.id)]);
  return rows[0] ? person(rows[0]) : null;
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.once('SIGTERM', () => {
  void app.close().then(() => Promise.all([pool.end(), tasks.close(), orm.close()]).then(() => process.exit(0)));
});

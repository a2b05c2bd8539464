/**
 * The anchor of bench/http-routes.bench.ts: the two people routes as a team writes them without
 * sluice, in a Fastify 5 app of its own (no hooks, plugins, ORM or schema) over the bare `pg` pool.
 * Same SQL as the demo (the people of the logged-in user's centers, by id), same JSON. It does not
 * authenticate: it serves `<username>`'s centers, read once at start-up, so the demo's session check
 * is part of what the benchmark charges to sluice. PostgreSQL only.
 * Usage: node hand-http-server.ts <database-url> <port> <username>
 */
import Fastify from 'fastify';
import pg from 'pg';

const [url = '', port = '3901', username = 'alice'] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const { rows: centers } = await pool.query<{ center_id: number }>(
  'select center_id from app_user_centers join app_user on app_user.id = app_user_id where username = $1',
  [username],
);
const centerIds = centers.map((center) => center.center_id);

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
const cursor = (row: Row | undefined) => (row ? Buffer.from(JSON.stringify([row.id])).toString('base64url') : null);

const app = Fastify();
app.get<{ Querystring: { limit?: string } }>('/people', async (request) => {
  const limit = Math.min(Math.max(Number(request.query.limit ?? 50) || 50, 1), 500);
  const { rows } = await pool.query<Row>(`select ${columns} from person where center_id = any($1) order by id limit $2`, [centerIds, limit + 1]);
  const items = rows.slice(0, limit);
  return { items: items.map(person), nextCursor: cursor(items.at(-1)), previousCursor: cursor(items[0]), hasNext: rows.length > limit, hasPrevious: false };
});
app.get<{ Params: { id: string } }>('/people/:id', async (request, reply) => {
  const { rows } = await pool.query<Row>(`select ${columns} from person where id = $1 and center_id = any($2)`, [Number(request.params.id), centerIds]);
  return rows[0] ? person(rows[0]) : reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such person' } });
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log(`listening ${port}`);
process.once('SIGTERM', () => {
  void app.close().then(() => pool.end().then(() => process.exit(0)));
});

/**
 * The anchor of bench/initial-sync.bench.ts: what a team writes without sluice to hand a new client
 * every person, page by page. Node's own HTTP server, the bare driver, one keyset SELECT per page and
 * `JSON.stringify`; no session, no ORM, no change log. Runs in its own process, as the demo does.
 * Usage: node hand-sync-server.ts <database-url> <port> (PostgreSQL or SQLite).
 */
import { createServer } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

const [url = '', port = '3901'] = process.argv.slice(2);
const columns = 'id, first_name, last_name, gender, birthdate, nationality, center_id';
const sql = (placeholder: string) => `select ${columns} from person where id > ${placeholder} order by id limit ${placeholder === '?' ? '?' : '$2'}`;

type Page = (after: number, limit: number) => Promise<Record<string, unknown>[]>;
let page: Page;
if (url.startsWith('postgres')) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  page = async (after, limit) => (await pool.query(sql('$1'), [after, limit])).rows;
} else {
  const db = new DatabaseSync(url.replace(/^sqlite:(\/\/)?/, ''), { readOnly: true });
  const statement = db.prepare(sql('?'));
  page = async (after, limit) => statement.all(after, limit) as Record<string, unknown>[];
}

createServer((request, response) => {
  const query = new URL(request.url ?? '/', 'http://x').searchParams;
  const limit = Math.min(Number(query.get('limit') ?? 1000), 5000);
  page(Number(query.get('after') ?? 0), limit).then(
    (rows) => {
      const last = rows.at(-1);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ rows, after: last ? last.id : null, hasMore: rows.length === limit }));
    },
    (error: Error) => {
      response.writeHead(500).end(error.message);
    },
  );
}).listen(Number(port), '127.0.0.1', () => console.log(`listening ${port}`));

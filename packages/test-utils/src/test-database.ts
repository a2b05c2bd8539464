import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DialectName, dialectNamed } from '@sluice/db';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** A fresh, empty database that belongs to one test file. */
export interface TestDatabase {
  dialect: DialectName;
  /** Connection URL in the form the demo's `DATABASE_URL` takes. */
  url: string;
  /** Drops the database (or deletes the SQLite file). */
  drop(): Promise<void>;
}

/** Prefix of every database this helper creates; CI drops leftovers by it. */
export const testDatabasePrefix = 'sluice_t_';

/** The database servers the tests use. */
export type ServerDialect = Exclude<DialectName, 'sqlite'>;

/** Server URLs, overridable for machines whose services live elsewhere. */
export function serverUrls(env: NodeJS.ProcessEnv = process.env): Record<ServerDialect, string> {
  return {
    postgresql: env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    mariadb: env.SLUICE_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test',
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs statements on a database server, outside any test database. */
interface Server {
  run(url: string, statement: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  create(name: string): string;
  drop(name: string): string;
  /** Databases whose name starts with a prefix (one parameter). */
  listPrefixed: string;
}

const servers: Record<ServerDialect, Server> = {
  postgresql: {
    async run(url, statement, params = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(statement, params)).rows;
      } finally {
        await client.end();
      }
    },
    create: (name) => `CREATE DATABASE "${name}"`,
    drop: (name) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
    listPrefixed: 'SELECT datname AS name FROM pg_database WHERE datname LIKE $1',
  },
  mariadb: {
    async run(url, statement, params = []) {
      const connection = await mysql.createConnection(url);
      try {
        return (await connection.query<mysql.RowDataPacket[]>(statement, params))[0];
      } finally {
        await connection.end();
      }
    },
    create: (name) => `CREATE DATABASE \`${name}\``,
    drop: (name) => `DROP DATABASE IF EXISTS \`${name}\``,
    listPrefixed: 'SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE ?',
  },
};

function sqliteDatabase(name: string): TestDatabase {
  const file = join(tmpdir(), `${name}.sqlite`);
  return {
    dialect: 'sqlite',
    url: `sqlite:${file}`,
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
    },
  };
}

/** Creates a uniquely named empty database on `dialect`, so concurrent runs never share data. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const name = `${testDatabasePrefix}${process.pid}_${randomBytes(4).toString('hex')}`;
  if (dialectNamed(dialect).embedded) return sqliteDatabase(name);
  const server = servers[dialect as ServerDialect];
  const serverUrl = serverUrls()[dialect as ServerDialect];
  await server.run(serverUrl, server.create(name));
  return {
    dialect,
    url: withDatabase(serverUrl, name),
    drop: async () => {
      await server.run(serverUrl, server.drop(name));
    },
  };
}

/** Whether the process that created a test database (its pid is in the name) has ended. */
function isOrphan(name: string): boolean {
  const pid = Number(name.slice(testDatabasePrefix.length).split('_')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Drops every database left behind by an interrupted earlier run (used by CI before the suite).
 * A database whose creating process still runs is kept: another run on this machine is using it.
 */
export async function dropStaleTestDatabases(dialect: ServerDialect): Promise<number> {
  const server = servers[dialect];
  const serverUrl = serverUrls()[dialect];
  const rows = await server.run(serverUrl, server.listPrefixed, [`${testDatabasePrefix}%`]);
  const orphans = rows.map((row) => String(row.name)).filter(isOrphan);
  for (const name of orphans) await server.run(serverUrl, server.drop(name));
  return orphans.length;
}

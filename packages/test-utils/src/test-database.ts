import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Dialect } from './dialects.ts';

/** A fresh, empty database that belongs to one test file. */
export interface TestDatabase {
  dialect: Dialect;
  /** Connection URL in the form the demo's `DATABASE_URL` takes. */
  url: string;
  /** Drops the database (or deletes the SQLite file). */
  drop(): Promise<void>;
}

/** Prefix of every database this helper creates; CI drops leftovers by it. */
export const testDatabasePrefix = 'sluice_t_';

/** Server URLs, overridable for machines whose services live elsewhere. */
export function serverUrls(env: NodeJS.ProcessEnv = process.env): Record<Exclude<Dialect, 'sqlite'>, string> {
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

/** Creates a uniquely named empty database on `dialect`, so concurrent runs never share data. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const name = `${testDatabasePrefix}${process.pid}_${randomBytes(4).toString('hex')}`;
  if (dialect === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    return {
      dialect,
      url: `sqlite:${file}`,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
      },
    };
  }
  const serverUrl = serverUrls()[dialect];
  if (dialect === 'postgresql') {
    await withPostgres(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
    return {
      dialect,
      url: withDatabase(serverUrl, name),
      drop: async () => {
        await withPostgres(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      },
    };
  }
  await withMariadb(serverUrl, (connection) => connection.query(`CREATE DATABASE \`${name}\``));
  return {
    dialect,
    url: withDatabase(serverUrl, name),
    drop: async () => {
      await withMariadb(serverUrl, (connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

async function withPostgres<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withMariadb<T>(url: string, work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection(url);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** Drops every database left behind by an interrupted earlier run (used by CI before the suite). */
export async function dropStaleTestDatabases(dialect: Exclude<Dialect, 'sqlite'>): Promise<number> {
  const serverUrl = serverUrls()[dialect];
  if (dialect === 'postgresql') {
    return withPostgres(serverUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${testDatabasePrefix}%`]);
      for (const row of rows) await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
      return rows.length;
    });
  }
  return withMariadb(serverUrl, async (connection) => {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE ?', [
      `${testDatabasePrefix}%`,
    ]);
    for (const row of rows) await connection.query(`DROP DATABASE IF EXISTS \`${row.name}\``);
    return rows.length;
  });
}

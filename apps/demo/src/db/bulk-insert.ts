import type { EntityManager } from '@mikro-orm/sql';
import type { Dialect } from '@sluice/db';
import type { Kysely } from 'kysely';

/** A row keyed by column name, with JS values (Dates, arrays) converted on the way in. */
export type ColumnRow = Record<string, unknown>;

/**
 * Inserts many rows with multi-row INSERT statements and bound parameters, bypassing the unit of
 * work: the seed writes millions of rows, and entity instances would cost memory and time for
 * nothing. Chunks stay below every dialect's bound-parameter limit.
 */
export class BulkInserter {
  readonly #db: Kysely<Record<string, ColumnRow>>;
  readonly #dialect: Dialect;

  constructor(db: Kysely<Record<string, ColumnRow>>, dialect: Dialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  static forEntityManager(em: EntityManager, dialect: Dialect): BulkInserter {
    return new BulkInserter(em.getConnection().getClient(), dialect);
  }

  async insert(table: string, rows: ColumnRow[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0] as ColumnRow).length;
    const chunkSize = Math.max(1, Math.floor(30_000 / columns));
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize).map((row) => this.#toDatabaseRow(row));
      await this.#db.insertInto(table).values(chunk).execute();
    }
  }

  /** Runs `work` in one transaction with an inserter bound to it. */
  async transaction<T>(work: (inserter: BulkInserter) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new BulkInserter(trx, this.#dialect)));
  }

  #toDatabaseRow(row: ColumnRow): ColumnRow {
    const converted: ColumnRow = {};
    for (const [column, value] of Object.entries(row)) converted[column] = this.#toDatabaseValue(value);
    return converted;
  }

  // Matches how MikroORM itself stores these types, so the ORM reads seeded rows back unchanged.
  #toDatabaseValue(value: unknown): unknown {
    if (value instanceof Date) return this.#dialect.timestamp(value);
    if (Array.isArray(value)) return JSON.stringify(value);
    return value;
  }
}

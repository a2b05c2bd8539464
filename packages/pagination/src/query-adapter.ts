import { type Dialect, rawBoolean } from '@sluice/db';
import type { KeyValue } from './cursor-codec.ts';
import type { KeyType, SortKey } from './ordering.ts';
import type { SqlFragment } from './sql-fragment.ts';

/** What to fetch: already ordered and limited, with an optional keyset condition. */
export interface PagePlan {
  keys: readonly SortKey[];
  condition: SqlFragment | null;
  limit: number;
  offset: number;
}

/** One fetched row, not yet turned into an item, and its sort-key values exactly as the database returned them. */
export interface FetchedRow {
  row: Record<string, unknown>;
  keyValues: KeyValue[];
}

/**
 * The seam between the paging algorithm and a query library. An adapter adds the plan's condition,
 * ORDER BY and LIMIT/OFFSET to its base query, selects each key expression under `keyAlias(i)`,
 * builds items from rows, and counts the base query's rows (or groups).
 */
export interface QueryAdapter<Item> {
  readonly dialect: Dialect;
  fetch(plan: PagePlan): Promise<FetchedRow[]>;
  /** Turns the rows a page returns into items (look-ahead rows never get here). */
  toItems(rows: Record<string, unknown>[]): Item[];
  count(): Promise<number>;
  /**
   * The planner's estimate of the base query's rows where the database gives one for the price of a
   * plan (PostgreSQL's EXPLAIN); null elsewhere.
   */
  estimate(): Promise<number | null>;
}

/** Column alias under which adapters select sort key `index`. */
export function keyAlias(index: number): string {
  return `${keyPrefix}${index}`;
}

const keyPrefix = 'sluice_k';

/**
 * Brings a driver's value into the cursor's form without losing precision: 64-bit integers and
 * timestamps stay text; driver-made Dates (which hold milliseconds only) become ISO text.
 */
export function normaliseKeyValue(type: KeyType, raw: unknown): KeyValue {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return type === 'date' ? raw.toISOString().slice(0, 10) : raw.toISOString();
  switch (type) {
    case 'integer':
    case 'number':
      return typeof raw === 'number' ? raw : Number(raw);
    case 'bigint':
      return String(raw);
    case 'boolean':
      return rawBoolean(raw);
    case 'timestamp':
      return typeof raw === 'number' || typeof raw === 'string' ? raw : String(raw);
    default:
      return String(raw);
  }
}

/** Splits a fetched row into the row without the key columns and the normalised key values. */
export function splitKeyColumns(row: Record<string, unknown>, keys: readonly SortKey[]): { row: Record<string, unknown>; keyValues: KeyValue[] } {
  const keyValues = keys.map((key, index) => normaliseKeyValue(key.type, row[keyAlias(index)]));
  const rest: Record<string, unknown> = {};
  for (const column in row) if (!column.startsWith(keyPrefix)) rest[column] = row[column];
  return { row: rest, keyValues };
}

import type { KeyValue } from './cursor-codec.ts';
import type { KeyType, SortKey } from './ordering.ts';
import type { SqlDialect, SqlFragment } from './sql-fragment.ts';

/** What to fetch: already ordered and limited, with an optional keyset condition. */
export interface PagePlan {
  keys: readonly SortKey[];
  condition: SqlFragment | null;
  limit: number;
  offset: number;
  /** Only the key values are needed (existence checks, bounds): adapters may skip building items. */
  keysOnly?: boolean;
}

/** One fetched row: the item, and its sort-key values exactly as the database returned them. */
export interface FetchedRow<Item> {
  item: Item;
  keyValues: KeyValue[];
}

/**
 * The seam between the paging algorithm and a query library. An adapter adds the plan's condition,
 * ORDER BY and LIMIT/OFFSET to its base query, selects each key expression under `keyAlias(i)`, and
 * counts the base query's rows (or groups).
 */
export interface QueryAdapter<Item> {
  readonly dialect: SqlDialect;
  fetch(plan: PagePlan): Promise<FetchedRow<Item>[]>;
  count(): Promise<number>;
}

/** Column alias under which adapters select sort key `index`. */
export function keyAlias(index: number): string {
  return `sluice_k${index}`;
}

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
      return raw === true || raw === 1 || raw === '1' || raw === 't' || raw === 'true';
    case 'timestamp':
      return typeof raw === 'number' || typeof raw === 'string' ? raw : String(raw);
    default:
      return String(raw);
  }
}

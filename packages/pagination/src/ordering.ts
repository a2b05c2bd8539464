import { PaginationError } from './pagination-error.ts';

/** Kinds of sort-key values; they decide how a value travels in a cursor and how it is checked. */
export type KeyType = 'string' | 'integer' | 'number' | 'bigint' | 'date' | 'timestamp' | 'boolean';

/** Sort direction. */
export type Direction = 'asc' | 'desc';

/** One ordering a caller may request, by its public name. */
export interface OrderingDefinition {
  /** SQL expression sorted on, e.g. `p.last_name`. Trusted configuration, never user input. */
  expression: string;
  type: KeyType;
  /** Direction when the caller names the ordering without one. */
  defaultDirection?: Direction;
  /** Whether the expression can be NULL (NULLs sort after every value in ascending order). */
  nullable?: boolean;
}

/** The unique key appended to every ordering so that ties never skip or repeat rows. */
export interface TiebreakerDefinition {
  /** Public name, usually `id`. */
  name: string;
  expression: string;
  type: Extract<KeyType, 'integer' | 'bigint' | 'string'>;
}

/** A requested ordering: public name and direction. */
export interface OrderingRequest {
  name: string;
  direction?: Direction;
}

/** One resolved sort key of a query. */
export interface SortKey {
  name: string;
  expression: string;
  type: KeyType;
  direction: Direction;
  nullable: boolean;
}

/**
 * Turns the caller's ordering into the full list of sort keys: the requested ones, then the
 * tiebreaker (unless already requested). Unknown names fail with `PAGINATION_UNKNOWN_ORDERING`.
 */
export function resolveSortKeys(
  requested: readonly OrderingRequest[],
  orderings: Readonly<Record<string, OrderingDefinition>>,
  tiebreaker: TiebreakerDefinition,
  defaultOrdering: readonly OrderingRequest[],
): SortKey[] {
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  let unique = false;
  for (const request of requested.length > 0 ? requested : defaultOrdering) {
    if (seen.has(request.name)) throw PaginationError.invalidPager(`ordering "${request.name}" is given twice`);
    seen.add(request.name);
    const definition = Object.hasOwn(orderings, request.name) ? orderings[request.name] : undefined;
    if (!definition && request.name !== tiebreaker.name) {
      throw PaginationError.unknownOrdering(request.name, [...Object.keys(orderings), tiebreaker.name]);
    }
    // Keys after a unique one cannot change the order; they are validated but not sorted on.
    if (unique) continue;
    if (!definition) {
      keys.push({ ...tiebreaker, direction: request.direction ?? 'asc', nullable: false });
      unique = true;
      continue;
    }
    keys.push({
      name: request.name,
      expression: definition.expression,
      type: definition.type,
      direction: request.direction ?? definition.defaultDirection ?? 'asc',
      nullable: definition.nullable ?? false,
    });
  }
  if (!unique) keys.push({ ...tiebreaker, direction: keys.at(-1)?.direction ?? 'asc', nullable: false });
  return keys;
}

/** Canonical text of an ordering (`lastName:asc,id:asc`); a cursor is bound to it. */
export function orderingSignature(keys: readonly SortKey[]): string {
  return keys.map((key) => `${key.name}:${key.direction}`).join(',');
}

import type { EntityName } from '@mikro-orm/core';
import { z } from 'zod';

/** A reference in a pushed row: a server id, or the uuid of a row a client created. */
export const syncKeySchema = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);

/** Who pulls or pushes, as far as sync is concerned. */
export interface SyncSubject {
  /** Stable id of the user (scope generations are kept per subject). */
  id: string;
  /** The scopes whose rows the subject syncs (e.g. center ids); `'all'` for every scope. */
  scopes: readonly string[] | 'all';
  /** Mapping names the subject may use (default: all). */
  mappings?: readonly string[];
}

/** How a pushed row is accepted into a mapping. */
export interface SyncPushOptions<Input extends Record<string, unknown> = Record<string, unknown>> {
  /** The public fields a client may send for a row (created or updated); zod issues become field errors. */
  schema: z.ZodType<Input>;
  /**
   * `reject` (default): a row changed on the server since the client's checkpoint fails the push with
   * 409 `SYNC_CONFLICT`. `client-wins`: the client's values overwrite the server's.
   */
  conflict?: 'reject' | 'client-wins';
  /** Property values a created row gets besides the pushed fields (e.g. `createdAt`). */
  defaults?: () => Record<string, unknown>;
}

/**
 * A synced entity: which rows go to which clients, under which name, with which fields.
 *
 * @example
 * ```ts
 * const orders = syncEntity<CustomerOrder>({
 *   name: 'orders',
 *   entity: CustomerOrder,
 *   fields: { person_id: 'person', status_id: 'status', total_price: 'totalPrice', product_ids: 'products' },
 *   scope: 'person.center',
 *   parents: ['person'],
 *   push: { schema: z.object({ status_id: z.number().int(), total_price: z.number().int().min(0) }) },
 * });
 * ```
 */
export interface SyncEntityMapping<T extends object = object> {
  kind?: 'entity';
  /** Public name (a table name for WatermelonDB clients). */
  name: string;
  entity: EntityName<T>;
  /**
   * Public field name -> entity property. A many-to-one goes out as the related id, a many-to-many
   * as an array of ids, dates as `YYYY-MM-DD`, date-times as ISO 8601.
   */
  fields: Record<string, string>;
  /**
   * Property path to the row's scope, e.g. `center` or `person.center` (each step but the last a
   * many-to-one). Omit for rows every subject syncs (reference data).
   */
  scope?: string;
  /** Many-to-one properties whose row counts as changed when this one changes (recursive, cycle-safe). */
  parents?: string[];
  /** Absent: clients may only pull this mapping. */
  push?: SyncPushOptions;
  /**
   * WatermelonDB migrations: the client schema version that added this table (default 1). Older clients
   * are not sent it; a client migrating past it receives its rows in full (a migration sync).
   */
  addedIn?: number;
  /** The client schema version that added each field added after the table (public name -> version). */
  fieldsAddedIn?: Record<string, number>;
  /**
   * Named parameters a pull may narrow this mapping's rows with (partial sync), e.g. `statuses`. Each
   * one's zod schema validates the value and documents it in OpenAPI; see {@link syncParameter}.
   */
  parameters?: Record<string, SyncParameter>;
}

/** A named parameter of a mapping: a value (checked by `schema`) that keeps rows whose `path` is among `values(value)`. */
export interface SyncParameter<Value = unknown> {
  /** What a client may send; its issues answer 400 `SYNC_INVALID_PARAMETER`. */
  schema: z.ZodType<Value>;
  /** Property path the condition reads, e.g. `status` or `status.name` (each step but the last a many-to-one). */
  path: string;
  /** The values of `path` a row must have; default: the value itself (an array), or a one-element list. */
  values?: (value: Value) => readonly (string | number)[];
}

/**
 * Declares a mapping parameter: rows are kept when their `path` is one of the parameter's values (SQL
 * `in`, an empty list keeps none). Clients ask for it in a pull's `parameters` (`{orders: {statuses: [...]}}`).
 *
 * @example
 * ```ts
 * syncEntity<Order>({ name: 'orders', ..., parameters: { statuses: syncParameter({ schema: z.array(z.enum(['New', 'Shipped'])), path: 'status.name' }) } });
 * ```
 */
export function syncParameter<Value>(parameter: SyncParameter<Value>): SyncParameter {
  return parameter as SyncParameter;
}

/**
 * The rows of a many-to-many collection, one per membership, with id `ownerId:targetId`.
 *
 * @example
 * ```ts
 * syncMembership({ name: 'order_products', owner: 'orders', collection: 'products', ownerField: 'order_id', targetField: 'product_id' })
 * ```
 */
export interface SyncMembershipMapping {
  kind: 'membership';
  name: string;
  /** The mapping of the collection's owner; memberships share its scope. */
  owner: string;
  /** The many-to-many property of the owner entity. */
  collection: string;
  ownerField: string;
  targetField: string;
  /** WatermelonDB migrations: the client schema version that added this table (default 1). */
  addedIn?: number;
}

/** Any mapping. */
export type SyncMapping = SyncEntityMapping | SyncMembershipMapping;

/**
 * Declares an entity mapping with its field properties checked against the entity type.
 *
 * @example
 * ```ts
 * syncEntity<Order>({ name: 'orders', entity: Order, fields: { total: 'total', person_id: 'person' }, scope: 'person.center', parents: ['person'],
 *   push: { schema: z.object({ total: z.number().int() }) } });
 * ```
 */
export function syncEntity<T extends object>(mapping: Omit<SyncEntityMapping<T>, 'kind'> & { fields: Record<string, keyof T & string> }): SyncMapping {
  return { ...mapping, kind: 'entity' } as SyncMapping;
}

/** Declares a membership mapping. */
export function syncMembership(mapping: Omit<SyncMembershipMapping, 'kind'>): SyncMapping {
  return { ...mapping, kind: 'membership' };
}

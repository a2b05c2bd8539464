import type { EntityName } from '@mikro-orm/core';
import type { SqlRun } from '@sluice/db';

/** How a tracked field's values compare and display. Inferred from entity metadata when omitted. */
export type FieldKind = 'scalar' | 'date' | 'datetime' | 'relation' | 'collection';

/** One tracked field of an entity. */
export interface TrackedField {
  /** What end users read, e.g. `Delivery date`. */
  label: string;
  kind?: FieldKind;
  /** Scalar display, e.g. cents as `€12.50`. Relations and collections use `displayField`. */
  format?: (value: unknown) => string;
  /** Property of the related entity shown instead of its id (default: the id). */
  displayField?: string;
}

/** One tracked entity type. */
export interface TrackedEntity<T extends object = object> {
  entity: EntityName<T>;
  /** Public name in history, e.g. `orders`. */
  type: string;
  /** Singular display name, e.g. `Order`. */
  label: string;
  /** Tracked fields by property name; changes to other fields produce nothing. */
  fields: Record<string, TrackedField>;
  /**
   * Who may read the history, e.g. the center id. Runs in the flush's transaction before the change is
   * written, so deleted rows and their parents are still there; `query` runs read-only SQL there. Must not flush.
   */
  scope?: (entity: T, query: SqlRun) => Promise<string | number | null> | string | number | null;
  /** Set to false to stop tracking without removing the configuration. */
  enabled?: boolean;
}

/** The whole audit configuration. */
export interface AuditOptions {
  entities: TrackedEntity<never>[];
}

/** Declares a tracked entity with its entity type checked against the field names. */
export function trackEntity<T extends object>(config: TrackedEntity<T> & { fields: Partial<Record<keyof T & string, TrackedField>> }): TrackedEntity<never> {
  return config as unknown as TrackedEntity<never>;
}

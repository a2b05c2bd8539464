import { rawDay, rawInstant } from '@sluice/db';
import { entityKey } from '@sluice/db/mikro-orm';
import type { FieldKind } from './audit-config.ts';

/** A tracked value reduced to what decides equality: a day, an instant, a primary key, a scalar. */
export type ComparableValue = string | number | boolean | null;

/**
 * Normalises a value for comparison. Date-only fields compare by calendar day (a time part is
 * ignored); date-times as instants whatever their time zone; relations by primary key.
 */
export function comparable(kind: FieldKind, value: unknown): ComparableValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'date':
      return rawDay(value);
    case 'datetime':
      return rawInstant(value)?.getTime() ?? String(value);
    case 'relation':
      return entityKey(value) as ComparableValue;
    default:
      return typeof value === 'object' ? JSON.stringify(value) : (value as ComparableValue);
  }
}

/** Primary keys of a collection's items, or of a snapshot. */
export function primaryKeysOf(items: readonly object[]): ComparableValue[] {
  return items.map((item) => entityKey(item) as ComparableValue);
}

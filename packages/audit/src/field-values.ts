import { Reference, Utils, wrap } from '@mikro-orm/core';
import type { FieldKind } from './audit-config.ts';

/** A tracked value reduced to what decides equality: a day, an instant, a primary key, a scalar. */
export type ComparableValue = string | number | boolean | null;

function primaryKeyOf(value: unknown): ComparableValue {
  const entity = Reference.unwrapReference(value as object);
  if (Utils.isEntity(entity)) {
    const pk = wrap(entity, true).getPrimaryKey();
    return pk === null || pk === undefined ? null : (pk as string | number);
  }
  return value as ComparableValue;
}

/**
 * Normalises a value for comparison. Date-only fields compare by calendar day (a time part is
 * ignored); date-times as instants whatever their time zone; relations by primary key.
 */
export function comparable(kind: FieldKind, value: unknown): ComparableValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'date': {
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      return String(value).slice(0, 10);
    }
    case 'datetime': {
      const time = value instanceof Date ? value.getTime() : new Date(value as string | number).getTime();
      return Number.isNaN(time) ? String(value) : time;
    }
    case 'relation':
      return primaryKeyOf(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : (value as ComparableValue);
  }
}

/** The primary key of an entity, as history stores it (text). */
export function entityIdOf(entity: object): string | null {
  const pk = wrap(entity, true).getPrimaryKey();
  return pk === null || pk === undefined ? null : String(pk);
}

/** Primary keys of a collection's items, or of a snapshot. */
export function primaryKeysOf(items: readonly object[]): ComparableValue[] {
  return items.map((item) => primaryKeyOf(item));
}

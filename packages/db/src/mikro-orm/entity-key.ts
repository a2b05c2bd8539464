import { Reference, Utils, wrap } from '@mikro-orm/core';

/** The primary key of an entity or reference as the entity holds it; any other value is returned as is. */
export function entityKey(value: unknown): unknown {
  const entity = Reference.unwrapReference(value as object);
  return Utils.isEntity(entity) ? wrap(entity, true).getPrimaryKey() : value;
}

/** {@link entityKey} as text (how logs and histories store keys); null for none. */
export function entityKeyText(value: unknown): string | null {
  const key = entityKey(value);
  return key === null || key === undefined ? null : String(key);
}

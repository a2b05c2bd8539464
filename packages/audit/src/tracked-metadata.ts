import type { EntityMetadata, EntityProperty, MetadataStorage } from '@mikro-orm/core';
import type { FieldKind, TrackedEntity, TrackedField } from './audit-config.ts';
import { AuditError } from './audit-error.ts';

/** A tracked field joined with what the ORM knows of it. */
export interface ResolvedField extends TrackedField {
  name: string;
  kind: FieldKind;
  property: EntityProperty;
}

/** A tracked entity joined with its metadata. */
export interface ResolvedEntity {
  config: TrackedEntity<never>;
  meta: EntityMetadata;
  fields: ResolvedField[];
}

function inferKind(property: EntityProperty): FieldKind {
  if (property.kind === 'm:n') return 'collection';
  if (property.kind === 'm:1' || property.kind === '1:1') return 'relation';
  const type = String(property.type).toLowerCase();
  if (type === 'date' || type.endsWith('datetype')) return 'date';
  if (type.includes('datetime') || type.includes('timestamp') || type === 'date' || property.runtimeType === 'Date') return 'datetime';
  return 'scalar';
}

/** Checks the configuration against the entity metadata, once, and indexes it by class name. */
export function resolveTrackedEntities(entities: readonly TrackedEntity<never>[], metadata: MetadataStorage): Map<string, ResolvedEntity> {
  const resolved = new Map<string, ResolvedEntity>();
  for (const config of entities) {
    if (config.enabled === false) continue;
    const meta = metadata.find(config.entity as never) as EntityMetadata | undefined;
    if (!meta) throw AuditError.invalidConfig(`entity of history type "${config.type}" is not registered in the ORM`);
    const fields = Object.entries(config.fields).map(([name, field]): ResolvedField => {
      const property = meta.properties[name as never] as EntityProperty | undefined;
      if (!property) throw AuditError.invalidConfig(`${meta.className} has no property "${name}"`);
      const kind = field.kind ?? inferKind(property);
      if (kind === 'collection' && !property.owner) throw AuditError.invalidConfig(`${meta.className}.${name} must be the owning side of a many-to-many`);
      return { ...field, name, kind, property };
    });
    resolved.set(meta.className, { config, meta, fields });
  }
  return resolved;
}

import type { EntityMetadata, EntityProperty, MetadataStorage } from '@mikro-orm/core';
import { type Pivot, pivotOf } from '@sluice/db/mikro-orm';
import { SyncError } from './sync-error.ts';
import type { SyncEntityMapping, SyncMapping, SyncMembershipMapping, SyncParameter, SyncPushOptions } from './sync-mapping.ts';

/** How a field's raw database value becomes JSON. */
export type FieldKind = 'value' | 'integer' | 'boolean' | 'date' | 'datetime' | 'reference' | 'collection';

/** A public field joined with what the ORM knows of it. */
export interface ResolvedField {
  name: string;
  property: EntityProperty;
  kind: FieldKind;
  /** The column holding it (a reference's foreign key); none for collections. */
  column?: string;
  /** The mapping a reference or collection points at, when it is synced too. */
  targetMapping?: string;
  pivot?: Pivot;
}

/** One many-to-one step of a scope path: from a table through `fk` to `table`'s primary key. */
export interface ScopeHop {
  fk: string;
  table: string;
  pk: string;
}

/** Where a row's scope lives: follow `hops` from the row's table, then read `column`. */
export interface ResolvedScope {
  /** The property of the row itself that the path starts with: changing it may change the scope. */
  firstProperty: string;
  /** The entity class the first step leads to, when the path has more than one step. */
  firstTarget: string | null;
  hops: ScopeHop[];
  column: string;
}

interface ResolvedBase {
  name: string;
  table: string;
  /** null: every subject syncs these rows. */
  scope: ResolvedScope | null;
}

/** An entity mapping checked against metadata. */
export interface ResolvedEntityMapping extends ResolvedBase {
  kind: 'entity';
  config: SyncEntityMapping;
  meta: EntityMetadata;
  pk: string;
  fields: ResolvedField[];
  parents: { property: string; column: string; mapping: string }[];
  push: SyncPushOptions | null;
  /** Named parameters (partial sync), with the path each one's condition reads. */
  parameters: Map<string, ResolvedParameter>;
}

/** A mapping parameter with its property path resolved like a scope path. */
export interface ResolvedParameter {
  name: string;
  declared: SyncParameter;
  path: ResolvedScope;
}

/** A membership mapping checked against metadata. */
export interface ResolvedMembershipMapping extends ResolvedBase {
  kind: 'membership';
  config: SyncMembershipMapping;
  owner: ResolvedEntityMapping;
  pivot: Pivot;
}

/** Any mapping, resolved. */
export type ResolvedMapping = ResolvedEntityMapping | ResolvedMembershipMapping;

/** Every mapping, by name and by entity class. */
export interface MappingSet {
  /** Mappings whose scope is read through a row of the keyed entity class (theirs follows its scope). */
  dependents: Map<string, ResolvedMapping[]>;
  byName: Map<string, ResolvedMapping>;
  byClass: Map<string, ResolvedEntityMapping>;
  /** Membership mappings by owner class and collection property. */
  memberships: Map<string, ResolvedMembershipMapping[]>;
}

function fieldKind(property: EntityProperty): FieldKind {
  if (property.kind === 'm:n') return 'collection';
  if (property.kind === 'm:1' || property.kind === '1:1') return 'reference';
  const type = String(property.type).toLowerCase();
  if (type === 'date' || type.endsWith('datetype')) return 'date';
  if (type.includes('datetime') || type.includes('timestamp') || property.runtimeType === 'Date') return 'datetime';
  if (property.runtimeType === 'boolean') return 'boolean';
  if (property.runtimeType === 'number') return 'integer';
  return 'value';
}

function singleColumn(meta: EntityMetadata, property: EntityProperty): string {
  const columns = property.kind === 'scalar' ? property.fieldNames : property.joinColumns;
  if (columns?.length !== 1) throw SyncError.invalidConfig(`${meta.className}.${property.name} must map to exactly one column`);
  return columns[0] as string;
}

function propertyOf(meta: EntityMetadata, name: string): EntityProperty {
  const property = meta.properties[name as never] as EntityProperty | undefined;
  if (!property) throw SyncError.invalidConfig(`${meta.className} has no property "${name}"`);
  return property;
}

function primaryKeyColumn(meta: EntityMetadata): string {
  if (meta.primaryKeys.length !== 1) throw SyncError.invalidConfig(`${meta.className} must have a single-column primary key`);
  return singleColumn(meta, propertyOf(meta, meta.primaryKeys[0] as string));
}

function owningPivot(meta: EntityMetadata, property: EntityProperty): Pivot {
  if (property.kind !== 'm:n' || !property.owner) throw SyncError.invalidConfig(`${meta.className}.${property.name} must be the owning side of a many-to-many`);
  return pivotOf(property);
}

function resolveScope(meta: EntityMetadata, path: string | undefined): ResolvedScope | null {
  if (!path) return null;
  const steps = path.split('.');
  const hops: ScopeHop[] = [];
  let current = meta;
  for (const step of steps.slice(0, -1)) {
    const property = propertyOf(current, step);
    if (property.kind !== 'm:1' && property.kind !== '1:1')
      throw SyncError.invalidConfig(`scope path ${path}: ${current.className}.${step} is not a many-to-one`);
    const target = property.targetMeta as EntityMetadata;
    hops.push({ fk: singleColumn(current, property), table: target.tableName, pk: primaryKeyColumn(target) });
    current = target;
  }
  const last = propertyOf(current, steps.at(-1) as string);
  const firstTarget = steps.length > 1 ? (propertyOf(meta, steps[0] as string).targetMeta?.className ?? null) : null;
  return { firstProperty: steps[0] as string, firstTarget, hops, column: singleColumn(current, last) };
}

function resolveEntity(metadata: MetadataStorage, config: SyncEntityMapping): ResolvedEntityMapping {
  const meta = metadata.find(config.entity as never) as EntityMetadata | undefined;
  if (!meta) throw SyncError.invalidConfig(`the entity of mapping "${config.name}" is not registered in the ORM`);
  const fields = Object.entries(config.fields).map(([name, propertyName]): ResolvedField => {
    const property = propertyOf(meta, propertyName);
    const kind = fieldKind(property);
    if (kind === 'collection') return { name, property, kind, pivot: owningPivot(meta, property) };
    return { name, property, kind, column: singleColumn(meta, property) };
  });
  const parents = (config.parents ?? []).map((name) => {
    const property = propertyOf(meta, name);
    if (property.kind !== 'm:1' && property.kind !== '1:1') throw SyncError.invalidConfig(`parent ${meta.className}.${name} is not a many-to-one`);
    return { property: name, column: singleColumn(meta, property), mapping: property.targetMeta?.className as string };
  });
  return {
    kind: 'entity',
    name: config.name,
    config,
    meta,
    table: meta.tableName,
    pk: primaryKeyColumn(meta),
    scope: resolveScope(meta, config.scope),
    fields,
    parents,
    push: config.push ?? null,
    parameters: new Map(
      Object.entries(config.parameters ?? {}).map(([name, declared]) => [name, { name, declared, path: resolveScope(meta, declared.path) as ResolvedScope }]),
    ),
  };
}

/**
 * Checks every mapping against the ORM's metadata, once, and links references between mappings.
 * Fails with `SYNC_INVALID_CONFIG` on an unknown entity, property or path.
 */
export function resolveMappings(mappings: readonly SyncMapping[], metadata: MetadataStorage): MappingSet {
  const set: MappingSet = { byName: new Map(), byClass: new Map(), memberships: new Map(), dependents: new Map() };
  for (const config of mappings) {
    if (set.byName.has(config.name)) throw SyncError.invalidConfig(`mapping "${config.name}" is declared twice`);
    if (config.kind === 'membership') continue;
    const resolved = resolveEntity(metadata, config);
    set.byName.set(config.name, resolved);
    set.byClass.set(resolved.meta.className, resolved);
  }
  for (const config of mappings) if (config.kind === 'membership') addMembership(set, config);
  linkTargets(set);
  for (const mapping of set.byName.values()) {
    const through = mapping.kind === 'membership' ? mapping.owner.meta.className : mapping.scope?.firstTarget;
    if (!through) continue;
    if (mapping.kind === 'entity') checkInheritedScope(set, mapping);
    set.dependents.set(through, [...(set.dependents.get(through) ?? []), mapping]);
  }
  return set;
}

/**
 * A scope read through another synced row must be that row's scope (`person.center` when people
 * sync by `center`): then a row moving scope moves the rows that depend on it, and nothing else does.
 */
function checkInheritedScope(set: MappingSet, mapping: ResolvedEntityMapping): void {
  const parent = set.byClass.get(mapping.scope?.firstTarget as string);
  if (!parent) return;
  const rest = { hops: mapping.scope?.hops.slice(1), column: mapping.scope?.column };
  if (JSON.stringify(rest) !== JSON.stringify({ hops: parent.scope?.hops, column: parent.scope?.column }))
    throw SyncError.invalidConfig(
      `the scope of "${mapping.name}" (${mapping.config.scope}) must continue with the scope of "${parent.name}" (${parent.config.scope})`,
    );
}

function addMembership(set: MappingSet, config: SyncMembershipMapping): void {
  const owner = set.byName.get(config.owner);
  if (owner?.kind !== 'entity') throw SyncError.invalidConfig(`membership "${config.name}": owner mapping "${config.owner}" is not an entity mapping`);
  const pivot = owningPivot(owner.meta, propertyOf(owner.meta, config.collection));
  const resolved: ResolvedMembershipMapping = { kind: 'membership', name: config.name, config, owner, pivot, table: pivot.table, scope: owner.scope };
  set.byName.set(config.name, resolved);
  const key = `${owner.meta.className}.${config.collection}`;
  set.memberships.set(key, [...(set.memberships.get(key) ?? []), resolved]);
}

/** References and parents name entity classes; point them at the mappings of those classes. */
function linkTargets(set: MappingSet): void {
  for (const mapping of set.byClass.values()) {
    for (const field of mapping.fields) {
      if (field.kind === 'reference' || field.kind === 'collection')
        field.targetMapping = set.byClass.get(field.property.targetMeta?.className as string)?.name;
    }
    for (const parent of mapping.parents) {
      const target = set.byClass.get(parent.mapping);
      if (!target) throw SyncError.invalidConfig(`parent ${mapping.meta.className}.${parent.property} points at an entity no mapping syncs`);
      parent.mapping = target.name;
    }
  }
}

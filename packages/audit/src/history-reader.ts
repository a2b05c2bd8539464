import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { rawIsoInstant } from '@sluice/db';
import { type ConfiguredQuery, type Page, type Pager, paginateQueryBuilder } from '@sluice/pagination';
import type { AuditOptions, TrackedEntity } from './audit-config.ts';
import { AuditChange, type StoredCollectionChange, type StoredFieldChange } from './audit-entities.ts';
import { AuditError } from './audit-error.ts';
import { describeCollectionChange, describeFieldChange } from './change-text.ts';
import type { HistoryEntry, StateAsOf } from './history-view.ts';

/** Filters of the feed across entities. Scopes limit it to what the reader may see. */
export interface FeedFilter {
  entityTypes?: string[];
  actorId?: number;
  from?: Date;
  to?: Date;
  /**
   * Only changes of entities whose latest scope is one of these (e.g. the reader's center ids): the
   * same rule as an entity's own history, so an entity that moved out of the reader's scopes vanishes
   * from the feed too, old entries included.
   */
  scopes?: string[];
}

type Row = Record<string, unknown>;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Reads history: one entity's, the feed across entities, and an entity's state at a past time. */
export class HistoryReader {
  readonly #byType: Map<string, TrackedEntity<never>>;
  readonly #cursorSecret: string | undefined;

  /** `cursorSecret` signs the pages' cursors (see `@sluice/pagination`). */
  constructor(options: AuditOptions, reading: { cursorSecret?: string } = {}) {
    this.#byType = new Map(options.entities.map((entity) => [entity.type, entity]));
    this.#cursorSecret = reading.cursorSecret;
  }

  /** The public names of the tracked entity types, e.g. `['orders', 'people']`. */
  get types(): string[] {
    return [...this.#byType.keys()];
  }

  /** The tracked entity configuration of `type`, or `AUDIT_UNKNOWN_ENTITY_TYPE`. */
  tracked(type: string): TrackedEntity<never> {
    const config = this.#byType.get(type);
    if (!config) throw AuditError.unknownEntityType(type);
    return config;
  }

  /** History of one entity, newest revision first. */
  async history(em: EntityManager, type: string, entityId: string | number, pager: Omit<Pager, 'orderBy'>): Promise<Page<HistoryEntry>> {
    this.tracked(type);
    return this.#query(em, { entity_type: type, entity_id: String(entityId) }).paginate(pager);
  }

  /** Changes across entities, newest first. */
  async feed(em: EntityManager, filter: FeedFilter, pager: Omit<Pager, 'orderBy'>): Promise<Page<HistoryEntry>> {
    for (const type of filter.entityTypes ?? []) this.tracked(type);
    const where: Record<string, unknown> = {};
    if (filter.entityTypes) where.entity_type = { $in: filter.entityTypes };
    const revision: Record<string, unknown> = {};
    if (filter.actorId !== undefined) revision.actorId = filter.actorId;
    if (filter.from || filter.to) revision.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
    return this.#query(em, where, revision, filter.scopes).paginate(pager);
  }

  /** The latest scope recorded for an entity (who may read its history), or `undefined` without history. */
  async scopeOf(em: EntityManager, type: string, entityId: string | number): Promise<string | null | undefined> {
    const latest = await em.findOne(
      AuditChange,
      { entityType: type, entityId: String(entityId) },
      { orderBy: { revision: 'desc', id: 'desc' }, fields: ['scope'] },
    );
    return latest ? (latest.scope ?? null) : undefined;
  }

  /** The entity's tracked state at `at` (a time or a revision id); all null before it existed and after its deletion. */
  async stateAsOf(em: EntityManager, type: string, entityId: string | number, at: Date | { revision: number }): Promise<StateAsOf> {
    this.tracked(type);
    const revision = at instanceof Date ? { createdAt: { $lte: at } } : { id: { $lte: at.revision } };
    const latest = await em.findOne(
      AuditChange,
      { entityType: type, entityId: String(entityId), revision },
      { orderBy: { revision: 'desc', id: 'desc' }, populate: ['revision'] },
    );
    if (!latest || latest.action === 'delete') return { revision: null, at: null, state: null };
    return { revision: latest.revision.id, at: latest.revision.createdAt.toISOString(), state: latest.state };
  }

  #query(
    em: EntityManager,
    where: Record<string, unknown>,
    revision: Record<string, unknown> = {},
    scopes?: string[],
  ): ConfiguredQuery<AuditChange, HistoryEntry> {
    const qb = em
      .createQueryBuilder(AuditChange, 'c')
      .select([
        raw('c.*'),
        raw('r.created_at as revision_at'),
        raw('r.actor_id as actor_id'),
        raw('r.actor_name as actor_name'),
        raw('r.correlation_id as correlation_id'),
      ] as never)
      .join('c.revision', 'r')
      .where(where as never);
    if (Object.keys(revision).length > 0) qb.andWhere({ revision } as never);
    if (scopes) {
      // The entity's latest scope, read through the (entity_type, entity_id, revision) index.
      const latest =
        '(select c2.scope from audit_change c2 where c2.entity_type = c.entity_type and c2.entity_id = c.entity_id order by c2.revision_id desc, c2.id desc limit 1)';
      if (scopes.length === 0) qb.andWhere('1 = 0');
      else qb.andWhere(`${latest} in (${scopes.map(() => '?').join(', ')})`, scopes);
    }
    return paginateQueryBuilder(
      em,
      qb,
      {
        orderings: { revision: { expression: 'c.revision_id', type: 'integer' } },
        tiebreaker: { name: 'id', expression: 'c.id', type: 'integer' },
        defaultOrdering: [{ name: 'revision', direction: 'desc' }],
        cursorSecret: this.#cursorSecret,
      },
      { hydrate: false },
    ).withTransformer((row) => this.#entry(row as unknown as Row)); // hydrate: false yields raw rows
  }

  #entry(row: Row): HistoryEntry {
    const type = String(row.entity_type);
    const config = this.#byType.get(type);
    const label = (field: string) => config?.fields[field]?.label ?? field;
    const action = row.action as HistoryEntry['action'];
    return {
      revision: Number(row.revision_id),
      at: rawIsoInstant(row.revision_at),
      actor:
        row.actor_name === null || row.actor_name === undefined
          ? null
          : { id: row.actor_id === null ? null : Number(row.actor_id), username: String(row.actor_name) },
      correlationId: (row.correlation_id as string | null) ?? null,
      entity: type,
      entityId: String(row.entity_id),
      action,
      changes: storedFieldChanges(row).map((change) => ({
        ...change,
        label: label(change.field),
        text: describeFieldChange(label(change.field), action, change.old, change.new),
      })),
      collections: json<StoredCollectionChange[]>(row.collections).map((change) => ({
        ...change,
        label: label(change.field),
        text: describeCollectionChange(label(change.field), change.added, change.removed),
      })),
    };
  }
}

/** A create keeps its field changes in its state (every filled field, from nothing); older rows list them. */
function storedFieldChanges(row: Row): StoredFieldChange[] {
  const stored = json<StoredFieldChange[]>(row.changes);
  if (row.action !== 'create' || stored.length > 0) return stored;
  return Object.entries(json<Record<string, string | string[] | null>>(row.state))
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([field, value]) => ({ field, old: null, new: value }));
}

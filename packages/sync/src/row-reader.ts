import { chunks, type Dialect, placeholders, rawBoolean, rawDay, rawIsoInstant, rawKey, type SqlRun } from '@sluice/db';
import { readPivot } from '@sluice/db/mikro-orm';
import type { MappingPull, SyncRow } from './protocol-schema.ts';
import type { RowCondition } from './pull-subset.ts';
import type { ResolvedEntityMapping, ResolvedField, ResolvedMapping, ResolvedMembershipMapping } from './resolved-mapping.ts';
import { ownerOf, scopeJoins } from './scope-sql.ts';
import type { SyncSubject } from './sync-mapping.ts';

/** One change-log entry with the row's current state (null when it is gone). */
export interface LogEntry {
  id: number;
  version: number;
  rowId: string;
  uuid: string | null;
  found: ScopedRow | null;
  /** The log's horizon as the same statement saw it: a prune that raced this page shows here. */
  horizon: number;
}

/**
 * The client uuid of a log entry's row: the newest, as a snapshot page names it (a key used again after
 * a delete may have an older one). A lookup, not a join, so two uuids never make two log entries.
 */
const logUuid = '(select i.uuid from sync_item i where i.mapping = c.mapping and i.row_id = c.row_id order by i.created_at desc limit 1)';
const horizonColumn = '(select horizon_version from sync_clock where id = 1) as sluice_h';

function logFields(record: Record<string, unknown>, id: string, version: string, rowId: string, uuid: string) {
  return {
    id: Number(record[id]),
    version: Number(record[version]),
    rowId: String(record[rowId]),
    uuid: record[uuid] === null || record[uuid] === undefined ? null : String(record[uuid]),
    horizon: Number(record.sluice_h ?? 0),
  };
}

/** A current row with the scope it is in now. */
export interface ScopedRow {
  row: SyncRow;
  scope: string | null;
}

/** Normalises a raw database value, so every dialect sends the same JSON. */
export function fieldValue(field: ResolvedField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'integer':
      return Number(value);
    case 'boolean':
      return rawBoolean(value);
    case 'date':
      return rawDay(value);
    case 'datetime':
      return rawIsoInstant(value);
    case 'reference':
      return rawKey(value);
    default:
      return typeof value === 'bigint' ? Number(value) : value;
  }
}

/** SQL that keeps rows of the subject's scopes (`''` for everyone's). */
function scopeFilter(subject: SyncSubject, expression: string | null): { sql: string; params: string[] } {
  if (!expression || subject.scopes === 'all') return { sql: '', params: [] };
  if (subject.scopes.length === 0) return { sql: ' and 1 = 0', params: [] };
  return { sql: ` and ${expression} in (${placeholders(subject.scopes.length)})`, params: [...subject.scopes] };
}

/** True when `subject` may sync a row in `scope`. */
export function inScope(subject: SyncSubject, mapping: ResolvedMapping, scope: string | null): boolean {
  return !mapping.scope || subject.scopes === 'all' || (scope !== null && subject.scopes.includes(scope));
}

/** Reads current rows of one mapping: by id, or a page of the subject's rows after a key. */
export class RowReader {
  readonly #run: SqlRun;
  readonly #dialect: Dialect;

  constructor(run: SqlRun, dialect: Dialect) {
    this.#run = run;
    this.#dialect = dialect;
  }

  /** Current rows by id with their scope; rows that no longer exist are absent. */
  async byIds(mapping: ResolvedMapping, ids: readonly string[]): Promise<Map<string, ScopedRow>> {
    if (mapping.kind === 'membership') return this.#membershipsByIds(mapping, ids);
    const found = new Map<string, ScopedRow>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.#entityRows(mapping, `t0.${this.#q(mapping.pk)} in (${placeholders(part.length)})`, part, '');
      for (const row of rows) found.set(String(row.row.id), row);
    }
    return found;
  }

  /**
   * The rows `condition` keeps after `after` in key order (a snapshot page). Keys are returned as text.
   * An entity page also answers the uuids clients created its rows with (`newItems`), read by the same
   * statement: one round trip per page.
   */
  async page(
    mapping: ResolvedMapping,
    condition: RowCondition,
    after: string | null,
    limit: number,
  ): Promise<{ rows: ScopedRow[]; last: string | null; newItems?: MappingPull['newItems'] }> {
    if (mapping.kind === 'membership') return this.#membershipPage(mapping, condition, after, limit);
    const pk = `t0.${this.#q(mapping.pk)}`;
    const keyed = after === null ? { sql: '1 = 1', params: [] } : { sql: `${pk} > ?`, params: [rawKey(after)] };
    const key = mapping.meta.properties[mapping.meta.primaryKeys[0] as never]?.runtimeType === 'number' ? this.#dialect.bigintText(pk) : pk;
    // The newest uuid of a row (a key SQLite reused after a delete may have had an older one).
    const uuid = `(select i.uuid from sync_item i where i.mapping = ? and i.row_id = ${key} order by i.created_at desc limit 1) as sluice_uuid`;
    const records = await this.#selectEntities(mapping, {
      from: `${this.#q(mapping.table)} t0`,
      columns: [uuid],
      joins: condition.joins.join(''),
      where: `${keyed.sql} and (${condition.sql})`,
      params: [mapping.name, ...keyed.params, ...condition.params],
      tail: ` order by ${pk} limit ${Number(limit)}`,
    });
    const rows: ScopedRow[] = [];
    const newItems: MappingPull['newItems'] = [];
    for (const { record, row } of records) {
      if (!row) continue;
      rows.push(row);
      if (record.sluice_uuid !== null && record.sluice_uuid !== undefined) newItems.push({ uuid: String(record.sluice_uuid), id: row.row.id });
    }
    return { rows, last: rows.length > 0 ? String(rows.at(-1)?.row.id) : null, newItems };
  }

  /** Which of the entity rows `ids` `condition` keeps now. */
  async matching(mapping: ResolvedEntityMapping, condition: RowCondition, ids: readonly string[]): Promise<Set<string>> {
    const pk = `t0.${this.#q(mapping.pk)}`;
    const { joins } = mapping.scope ? scopeJoins(this.#dialect, mapping.scope) : { joins: '' };
    const kept = new Set<string>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.#run(
        `select ${pk} as id from ${this.#q(mapping.table)} t0${joins}${condition.joins.join('')} where ${pk} in (${placeholders(part.length)}) and (${condition.sql})`,
        [...part, ...condition.params],
      );
      for (const row of rows) kept.add(String(row.id));
    }
    return kept;
  }

  /** How many rows of the mapping the subject syncs: what a client holding all of them counts too. */
  async count(mapping: ResolvedMapping, subject: SyncSubject): Promise<number> {
    const owner = mapping.kind === 'membership' ? mapping.owner : mapping;
    const { joins, expression } = owner.scope ? scopeJoins(this.#dialect, owner.scope) : { joins: '', expression: null };
    const scope = scopeFilter(subject, expression);
    const from =
      mapping.kind === 'membership'
        ? `${this.#q(mapping.pivot.table)} p join ${this.#q(owner.table)} t0 on t0.${this.#q(owner.pk)} = p.${this.#q(mapping.pivot.ownerColumn)}`
        : `${this.#q(owner.table)} t0`;
    const [row] = await this.#run(`select count(*) as n from ${from}${joins} where 1 = 1${scope.sql}`, scope.params);
    return Number(row?.n ?? 0);
  }

  async #entityRows(mapping: ResolvedEntityMapping, where: string, params: unknown[], tail: string): Promise<ScopedRow[]> {
    const records = await this.#selectEntities(mapping, { from: `${this.#q(mapping.table)} t0`, columns: [], where, params, tail });
    return records.flatMap((record) => (record.row ? [record.row] : []));
  }

  /**
   * One page of the change log of an entity mapping, joined with each row's current state and the
   * uuid a client created it with: one query per page.
   */
  async logPage(mapping: ResolvedMapping, where: string, params: unknown[], limit: number): Promise<LogEntry[]> {
    const tail = ` order by c.version, c.id limit ${Number(limit)}`;
    if (mapping.kind === 'membership') {
      const log = await this.#run(`select c.id, c.version, c.row_id, ${logUuid} as uuid, ${horizonColumn} from sync_change c where ${where}${tail}`, params);
      const current = await this.byIds(
        mapping,
        log.map((entry) => String(entry.row_id)),
      );
      return log.map((entry) => ({ ...logFields(entry, 'id', 'version', 'row_id', 'uuid'), found: current.get(String(entry.row_id)) ?? null }));
    }
    const pk = `t0.${this.#q(mapping.pk)}`;
    const key = mapping.meta.properties[mapping.meta.primaryKeys[0] as never]?.runtimeType === 'number' ? this.#dialect.integer('c.row_id') : 'c.row_id';
    const records = await this.#selectEntities(mapping, {
      from: `sync_change c left join ${this.#q(mapping.table)} t0 on ${pk} = ${key}`,
      columns: ['c.id as sluice_cid', 'c.version as sluice_v', 'c.row_id as sluice_row', `${logUuid} as sluice_uuid`, horizonColumn],
      where,
      params,
      tail,
    });
    return records.map(({ record, row }) => ({ ...logFields(record, 'sluice_cid', 'sluice_v', 'sluice_row', 'sluice_uuid'), found: row }));
  }

  /** Rows of an entity mapping from `source` (which names the table `t0`), with collections filled. */
  async #selectEntities(
    mapping: ResolvedEntityMapping,
    source: { from: string; columns: string[]; joins?: string; where: string; params: unknown[]; tail: string },
  ) {
    const columns = mapping.fields.filter((field) => field.column).map((field) => `t0.${this.#q(field.column as string)} as ${this.#q(`f_${field.name}`)}`);
    const { joins, expression } = mapping.scope ? scopeJoins(this.#dialect, mapping.scope) : { joins: '', expression: 'null' };
    const select = [...source.columns, `t0.${this.#q(mapping.pk)} as sluice_id`, `${expression} as sluice_scope`, ...columns].join(', ');
    const raw = await this.#run(`select ${select} from ${source.from}${joins}${source.joins ?? ''} where ${source.where}${source.tail}`, source.params);
    const read = mapping.fields.filter((field) => field.column).map((field) => ({ field, alias: `f_${field.name}` }));
    const records = raw.map((record) => {
      if (record.sluice_id === null || record.sluice_id === undefined) return { record, row: null };
      const row: SyncRow = { id: rawKey(record.sluice_id) };
      for (const { field, alias } of read) row[field.name] = fieldValue(field, record[alias]);
      const scope = record.sluice_scope === null || record.sluice_scope === undefined ? null : String(record.sluice_scope);
      return { record, row: { row, scope } as ScopedRow | null };
    });
    await this.#addCollections(
      mapping,
      records.flatMap(({ row }) => (row ? [row] : [])),
    );
    return records;
  }

  /** Many-to-many fields: ids of the related rows, in id order. */
  async #addCollections(mapping: ResolvedEntityMapping, rows: ScopedRow[]): Promise<void> {
    for (const field of mapping.fields) {
      if (!field.pivot || rows.length === 0) continue;
      const byOwner = await readPivot(
        this.#run,
        this.#dialect,
        field.pivot,
        rows.map(({ row }) => String(row.id)),
      );
      for (const { row } of rows) row[field.name] = (byOwner.get(String(row.id)) ?? []).map(rawKey);
    }
  }

  async #membershipsByIds(mapping: ResolvedMembershipMapping, ids: readonly string[]): Promise<Map<string, ScopedRow>> {
    const wanted = new Set(ids);
    const found = new Map<string, ScopedRow>();
    for (const part of chunks([...new Set(ids.map(ownerOf))])) {
      const rows = await this.#membershipRows(mapping, `p.${this.#q(mapping.pivot.ownerColumn)} in (${placeholders(part.length)})`, part, '');
      for (const row of rows) if (wanted.has(String(row.row.id))) found.set(String(row.row.id), row);
    }
    return found;
  }

  async #membershipPage(mapping: ResolvedMembershipMapping, condition: RowCondition, after: string | null, limit: number) {
    const owner = `p.${this.#q(mapping.pivot.ownerColumn)}`;
    const target = `p.${this.#q(mapping.pivot.targetColumn)}`;
    const [afterOwner, afterTarget] = after === null ? [] : after.split(':').map(rawKey);
    const keyed =
      after === null
        ? { sql: '1 = 1', params: [] }
        : { sql: `(${owner} > ? or (${owner} = ? and ${target} > ?))`, params: [afterOwner, afterOwner, afterTarget] };
    const rows = await this.#membershipRows(
      mapping,
      `${keyed.sql} and (${condition.sql})`,
      [...keyed.params, ...condition.params],
      ` order by ${owner}, ${target} limit ${Number(limit)}`,
    );
    return { rows, last: rows.length > 0 ? String(rows.at(-1)?.row.id) : null };
  }

  async #membershipRows(mapping: ResolvedMembershipMapping, where: string, params: unknown[], tail: string): Promise<ScopedRow[]> {
    const { pivot, owner } = mapping;
    const { joins, expression } = owner.scope ? scopeJoins(this.#dialect, owner.scope) : { joins: '', expression: 'null' };
    const raw = await this.#run(
      `select p.${this.#q(pivot.ownerColumn)} as o, p.${this.#q(pivot.targetColumn)} as t, ${expression} as sluice_scope from ${this.#q(pivot.table)} p join ${this.#q(owner.table)} t0 on t0.${this.#q(owner.pk)} = p.${this.#q(pivot.ownerColumn)}${joins} where ${where}${tail}`,
      params,
    );
    return raw.map((record) => ({
      row: { id: `${String(record.o)}:${String(record.t)}`, [mapping.config.ownerField]: rawKey(record.o), [mapping.config.targetField]: rawKey(record.t) },
      scope: record.sluice_scope === null || record.sluice_scope === undefined ? null : String(record.sluice_scope),
    }));
  }

  #q(name: string): string {
    return this.#dialect.quote(name);
  }
}

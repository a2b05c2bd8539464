import type { EntityManager } from '@mikro-orm/sql';
import type { ResolvedEntityMapping, ResolvedMapping, ResolvedScope } from './resolved-mapping.ts';

/** The SQL families sync speaks. */
export type SyncDialect = 'postgresql' | 'mysql' | 'sqlite';

/** Runs one statement (with `?` placeholders) and returns its rows. */
export type SqlRun = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** A statement runner on `em`'s connection, inside `trx` when given. */
export function sqlRunner(em: EntityManager, trx?: unknown): SqlRun {
  const connection = em.getConnection();
  return (sql, params = []) => connection.execute(sql, params as unknown[], 'all', trx as never) as Promise<Record<string, unknown>[]>;
}

/** The dialect of `em`'s platform. */
export function syncDialect(em: EntityManager): SyncDialect {
  const platform = em.getPlatform().constructor.name.toLowerCase();
  if (platform.includes('postgre')) return 'postgresql';
  if (platform.includes('sqlite') || platform.includes('libsql')) return 'sqlite';
  return 'mysql';
}

/** Quotes an identifier for `dialect`. */
export function quote(dialect: SyncDialect, name: string): string {
  return dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

/** `?, ?, ?` for `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Splits `values` so no statement binds more parameters than every driver accepts. */
export function chunks<T>(values: readonly T[], size = 1_000): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}

/** The joins that reach a scope from alias `t0`, and the expression that reads it (null where a step is null). */
export function scopeJoins(dialect: SyncDialect, scope: ResolvedScope, from = 't0'): { joins: string; expression: string } {
  let joins = '';
  let alias = from;
  scope.hops.forEach((hop, index) => {
    const next = `s${index + 1}`;
    joins += ` left join ${quote(dialect, hop.table)} ${next} on ${next}.${quote(dialect, hop.pk)} = ${alias}.${quote(dialect, hop.fk)}`;
    alias = next;
  });
  return { joins, expression: `${alias}.${quote(dialect, scope.column)}` };
}

function scopeText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** The current scope of entity rows by id (rows that no longer exist are absent). */
export async function entityScopes(
  run: SqlRun,
  dialect: SyncDialect,
  mapping: ResolvedEntityMapping,
  ids: readonly string[],
): Promise<Map<string, string | null>> {
  const scopes = new Map<string, string | null>();
  const pk = `t0.${quote(dialect, mapping.pk)}`;
  const { joins, expression } = mapping.scope ? scopeJoins(dialect, mapping.scope) : { joins: '', expression: 'null' };
  for (const part of chunks([...new Set(ids)])) {
    const rows = await run(
      `select ${pk} as id, ${expression} as scope from ${quote(dialect, mapping.table)} t0${joins} where ${pk} in (${placeholders(part.length)})`,
      part,
    );
    for (const row of rows) scopes.set(String(row.id), scopeText(row.scope));
  }
  return scopes;
}

/**
 * Locks entity rows until the transaction ends, in key order so two lockers never deadlock. SQLite
 * needs none: its one writer at a time already serialises pushes.
 */
export async function lockRows(run: SqlRun, dialect: SyncDialect, mapping: ResolvedEntityMapping, ids: readonly string[]): Promise<void> {
  if (dialect === 'sqlite' || ids.length === 0) return;
  const pk = quote(dialect, mapping.pk);
  const sorted = [...new Set(ids)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const part of chunks(sorted))
    await run(`select ${pk} from ${quote(dialect, mapping.table)} where ${pk} in (${placeholders(part.length)}) order by ${pk} for update`, part);
}

/** The current scope of any mapping's rows by row id; memberships take their owner's. */
export async function currentScopes(
  run: SqlRun,
  dialect: SyncDialect,
  mapping: ResolvedMapping,
  rowIds: readonly string[],
): Promise<Map<string, string | null>> {
  if (mapping.kind === 'entity') return entityScopes(run, dialect, mapping, rowIds);
  const owners = await entityScopes(
    run,
    dialect,
    mapping.owner,
    rowIds.map((rowId) => ownerOf(rowId)),
  );
  return new Map(rowIds.filter((rowId) => owners.has(ownerOf(rowId))).map((rowId) => [rowId, owners.get(ownerOf(rowId)) ?? null]));
}

/** The owner id of a membership row id `ownerId:targetId`. */
export function ownerOf(rowId: string): string {
  return rowId.slice(0, rowId.indexOf(':'));
}

/**
 * The scope a row would have with `value` as the first step of its scope path (the step's column
 * value): the value itself for one-step paths, else the scope of the row it points at.
 */
export async function scopesThrough(run: SqlRun, dialect: SyncDialect, scope: ResolvedScope, values: readonly unknown[]): Promise<Map<string, string | null>> {
  const distinct = [...new Set(values.filter((value) => value !== null && value !== undefined).map(String))];
  if (scope.hops.length === 0) return new Map(distinct.map((value) => [value, value]));
  const [first, ...rest] = scope.hops as [ResolvedScope['hops'][number], ...ResolvedScope['hops']];
  const { joins, expression } = scopeJoins(dialect, { ...scope, hops: rest }, 's0');
  const pk = `s0.${quote(dialect, first.pk)}`;
  const scopes = new Map<string, string | null>();
  for (const part of chunks(distinct)) {
    const rows = await run(
      `select ${pk} as id, ${expression} as scope from ${quote(dialect, first.table)} s0${joins} where ${pk} in (${placeholders(part.length)})`,
      part,
    );
    for (const row of rows) scopes.set(String(row.id), scopeText(row.scope));
  }
  return scopes;
}

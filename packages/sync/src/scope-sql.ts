import { chunks, type Dialect, placeholders, type SqlRun } from '@sluice/db';
import type { ResolvedEntityMapping, ResolvedMapping, ResolvedScope } from './resolved-mapping.ts';

/** The joins that reach a scope from alias `t0`, and the expression that reads it (null where a step is null). */
export function scopeJoins(dialect: Dialect, scope: ResolvedScope, from = 't0', prefix = 's'): { joins: string; expression: string } {
  let joins = '';
  let alias = from;
  scope.hops.forEach((hop, index) => {
    const next = `${prefix}${index + 1}`;
    joins += ` left join ${dialect.quote(hop.table)} ${next} on ${next}.${dialect.quote(hop.pk)} = ${alias}.${dialect.quote(hop.fk)}`;
    alias = next;
  });
  return { joins, expression: `${alias}.${dialect.quote(scope.column)}` };
}

function scopeText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** The current scope of entity rows by id (rows that no longer exist are absent). */
export async function entityScopes(run: SqlRun, dialect: Dialect, mapping: ResolvedEntityMapping, ids: readonly string[]): Promise<Map<string, string | null>> {
  const scopes = new Map<string, string | null>();
  const pk = `t0.${dialect.quote(mapping.pk)}`;
  const { joins, expression } = mapping.scope ? scopeJoins(dialect, mapping.scope) : { joins: '', expression: 'null' };
  for (const part of chunks([...new Set(ids)])) {
    const rows = await run(
      `select ${pk} as id, ${expression} as scope from ${dialect.quote(mapping.table)} t0${joins} where ${pk} in (${placeholders(part.length)})`,
      part,
    );
    for (const row of rows) scopes.set(String(row.id), scopeText(row.scope));
  }
  return scopes;
}

/** Locks entity rows until the transaction ends, in key order so two lockers never deadlock. */
export async function lockRows(run: SqlRun, dialect: Dialect, mapping: ResolvedEntityMapping, ids: readonly string[]): Promise<void> {
  if (dialect.forUpdate === '' || ids.length === 0) return;
  const pk = dialect.quote(mapping.pk);
  const sorted = [...new Set(ids)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const part of chunks(sorted))
    await run(`select ${pk} from ${dialect.quote(mapping.table)} where ${pk} in (${placeholders(part.length)}) order by ${pk}${dialect.forUpdate}`, part);
}

/** The current scope of any mapping's rows by row id; memberships take their owner's. */
export async function currentScopes(run: SqlRun, dialect: Dialect, mapping: ResolvedMapping, rowIds: readonly string[]): Promise<Map<string, string | null>> {
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
export async function scopesThrough(run: SqlRun, dialect: Dialect, scope: ResolvedScope, values: readonly unknown[]): Promise<Map<string, string | null>> {
  const distinct = [...new Set(values.filter((value) => value !== null && value !== undefined).map(String))];
  if (scope.hops.length === 0) return new Map(distinct.map((value) => [value, value]));
  const [first, ...rest] = scope.hops as [ResolvedScope['hops'][number], ...ResolvedScope['hops']];
  const { joins, expression } = scopeJoins(dialect, { ...scope, hops: rest }, 's0');
  const pk = `s0.${dialect.quote(first.pk)}`;
  const scopes = new Map<string, string | null>();
  for (const part of chunks(distinct)) {
    const rows = await run(
      `select ${pk} as id, ${expression} as scope from ${dialect.quote(first.table)} s0${joins} where ${pk} in (${placeholders(part.length)})`,
      part,
    );
    for (const row of rows) scopes.set(String(row.id), scopeText(row.scope));
  }
  return scopes;
}

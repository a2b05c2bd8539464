import { type Dialect, placeholders } from '@sluice/db';
import type { SubsetRequest } from './protocol-schema.ts';
import type { ResolvedMapping } from './resolved-mapping.ts';
import { scopeJoins } from './scope-sql.ts';
import { SyncError } from './sync-error.ts';
import type { SyncSubject } from './sync-mapping.ts';

/**
 * The part of its rows a client syncs of one mapping (partial sync): some of its subject's scopes
 * (null: all of them) and the mapping's named parameters (null: none). Checkpoints record it, signed.
 */
export interface PullSubset {
  scopes: string[] | null;
  parameters: Record<string, unknown> | null;
}

/** A request's subset, checked against its subject and mappings. */
export interface CheckedSubset {
  scopes: string[] | null;
  parameters: Map<string, Record<string, unknown>>;
}

/** The whole of a subject's rows: what a client that asks for no subset syncs. */
export const fullSubset: PullSubset = { scopes: null, parameters: null };

/** Most scopes a subset may name (checkpoints carry them). */
export const maxSubsetScopes = 50;

/**
 * Checks a requested subset: its scopes must be the subject's (403 `SYNC_SCOPE_NOT_ALLOWED`), its
 * parameters declared by their mapping (400 `SYNC_UNKNOWN_PARAMETER`) and valid (400 `SYNC_INVALID_PARAMETER`).
 */
export function checkSubset(subject: SyncSubject, mapping: (name: string) => ResolvedMapping, request: SubsetRequest): CheckedSubset {
  let scopes: string[] | null = null;
  if (request.scopes) {
    scopes = [...new Set(request.scopes)].sort();
    const allowed = subject.scopes;
    const foreign = allowed === 'all' ? [] : scopes.filter((scope) => !allowed.includes(scope));
    if (foreign.length > 0) throw SyncError.scopeNotAllowed(foreign);
    if (scopes.length > maxSubsetScopes) throw SyncError.invalidParameter(null, 'scopes', `at most ${maxSubsetScopes} scopes`);
  }
  const parameters = new Map<string, Record<string, unknown>>();
  for (const [name, values] of Object.entries(request.parameters ?? {})) {
    const resolved = mapping(name);
    const checked: Record<string, unknown> = {};
    for (const [parameter, value] of Object.entries(values ?? {})) {
      const declared = resolved.kind === 'entity' ? resolved.parameters.get(parameter) : undefined;
      if (!declared) throw SyncError.unknownParameter(name, parameter);
      const parsed = declared.declared.schema.safeParse(value);
      if (!parsed.success) throw SyncError.invalidParameter(name, parameter, parsed.error.issues.map((issue) => issue.message).join('; '));
      if (parsed.data !== undefined) checked[parameter] = parsed.data;
    }
    if (Object.keys(checked).length > 0) parameters.set(name, sortedKeys(checked));
  }
  return { scopes, parameters };
}

function sortedKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
}

/** One mapping's part of a checked subset. */
export function subsetOf(checked: CheckedSubset, mapping: ResolvedMapping): PullSubset {
  return { scopes: checked.scopes, parameters: checked.parameters.get(mapping.name) ?? null };
}

/** True when two subsets keep the same rows (by their declaration). */
export function sameSubset(a: PullSubset, b: PullSubset): boolean {
  return JSON.stringify([a.scopes, a.parameters]) === JSON.stringify([b.scopes, b.parameters]);
}

/** The scopes a subset syncs: its own, else the subject's. */
export function scopesOf(subject: SyncSubject, subset: PullSubset): readonly string[] | 'all' {
  return subset.scopes ?? subject.scopes;
}

/** A SQL condition on a row aliased `t0` (an entity row, or a membership's owner), with the joins it needs. */
export interface RowCondition {
  /** Joins beyond the scope's (parameter paths); each a whole ` left join ...`, deduplicated when conditions combine. */
  joins: string[];
  sql: string;
  params: unknown[];
}

/** The rows of `subset`: in its scopes, and matching each of its parameters. */
export function subsetCondition(dialect: Dialect, subject: SyncSubject, mapping: ResolvedMapping, subset: PullSubset): RowCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  const joins: string[] = [];
  const scopes = scopesOf(subject, subset);
  if (mapping.scope && scopes !== 'all') {
    parts.push(scopes.length === 0 ? '1 = 0' : `${scopeJoins(dialect, mapping.scope).expression} in (${placeholders(scopes.length)})`);
    params.push(...scopes);
  }
  if (mapping.kind === 'entity') {
    [...mapping.parameters.values()].forEach((parameter, index) => {
      if (!subset.parameters || !(parameter.name in subset.parameters)) return;
      const value = subset.parameters[parameter.name];
      const values = parameter.declared.values?.(value) ?? (Array.isArray(value) ? value : [value]);
      const path = scopeJoins(dialect, parameter.path, 't0', `x${index}h`);
      if (path.joins) joins.push(path.joins);
      parts.push(values.length === 0 ? '1 = 0' : `${path.expression} in (${placeholders(values.length)})`);
      params.push(...values);
    });
  }
  return { joins, sql: parts.length === 0 ? '1 = 1' : parts.join(' and '), params };
}

/** Rows of `inside` that are not rows of `outside` (where `outside` is NULL, a row is not one of its rows). */
export function without(inside: RowCondition, outside: RowCondition): RowCondition {
  return {
    joins: [...new Set([...inside.joins, ...outside.joins])],
    sql: `(${inside.sql}) and (case when ${outside.sql} then 1 else 0 end) = 0`,
    params: [...inside.params, ...outside.params],
  };
}

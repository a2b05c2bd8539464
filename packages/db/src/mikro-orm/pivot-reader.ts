import type { EntityProperty } from '@mikro-orm/core';
import type { Dialect } from '../dialect.ts';
import { chunks, placeholders, type SqlRun } from '../sql-run.ts';

/** A many-to-many pivot table: owner key column, target key column. */
export interface Pivot {
  table: string;
  ownerColumn: string;
  targetColumn: string;
}

/** The pivot of a many-to-many property. */
export function pivotOf(property: EntityProperty): Pivot {
  return { table: property.pivotTable, ownerColumn: property.joinColumns[0] as string, targetColumn: property.inverseJoinColumns[0] as string };
}

/**
 * Target keys per owner key straight from the pivot table, in target order: what a collection holds
 * without initialising it (which a flush must never do). Every owner asked for is in the map.
 */
export async function readPivot(run: SqlRun, dialect: Dialect, pivot: Pivot, ownerIds: readonly string[]): Promise<Map<string, unknown[]>> {
  const byOwner = new Map<string, unknown[]>(ownerIds.map((id) => [id, []]));
  const [owner, target] = [dialect.quote(pivot.ownerColumn), dialect.quote(pivot.targetColumn)];
  for (const part of chunks([...byOwner.keys()])) {
    const rows = await run(
      `select ${owner} as o, ${target} as t from ${dialect.quote(pivot.table)} where ${owner} in (${placeholders(part.length)}) order by ${target}`,
      part,
    );
    for (const row of rows) byOwner.get(String(row.o))?.push(row.t);
  }
  return byOwner;
}

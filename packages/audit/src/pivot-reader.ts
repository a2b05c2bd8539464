import type { EntityProperty } from '@mikro-orm/core';
import type { Kysely } from 'kysely';
import type { ComparableValue } from './field-values.ts';

// biome-ignore lint/suspicious/noExplicitAny: raw table access inside the flush transaction
export type SqlTransaction = Kysely<any>;

/**
 * Reads many-to-many memberships straight from the pivot table, so history never initialises a lazy
 * collection during flush. Returns target ids per owner id.
 */
export async function readPivot(trx: SqlTransaction, property: EntityProperty, ownerIds: readonly string[]): Promise<Map<string, ComparableValue[]>> {
  const byOwner = new Map<string, ComparableValue[]>(ownerIds.map((id) => [id, []]));
  if (ownerIds.length === 0) return byOwner;
  const ownerColumn = property.joinColumns[0] as string;
  const targetColumn = property.inverseJoinColumns[0] as string;
  const rows = await trx
    .selectFrom(property.pivotTable)
    .select([`${ownerColumn} as owner`, `${targetColumn} as target`])
    .where(ownerColumn, 'in', [...ownerIds])
    .orderBy(targetColumn)
    .execute();
  for (const row of rows) byOwner.get(String(row.owner))?.push(row.target as ComparableValue);
  return byOwner;
}

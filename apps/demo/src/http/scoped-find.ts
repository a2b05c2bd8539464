import type { EntityKey, EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { NotFoundError } from '@sluice/core';

/**
 * Loads one row only if it belongs to one of `centerIds`; a row of another center answers
 * `NOT_FOUND` exactly like a missing one, so ids of other centers cannot be probed.
 */
export async function findInCenters<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  resource: string,
  id: number,
  centerScope: (centerIds: number[]) => FilterQuery<T>,
  centerIds: number[],
  populate: string[] = [],
): Promise<T> {
  const where = { $and: [{ id }, centerScope(centerIds)] } as FilterQuery<T>;
  const found = await em.findOne(entity, where as never, { populate: populate as never });
  if (!found) throw NotFoundError.resource(resource, id);
  return found;
}

/**
 * The read-only twin of {@link findInCenters} for an entity whose own `centerProperty` holds its
 * center: one indexed statement (table and columns from the entity's metadata) answering the row as
 * the database returns it, without a query builder, a managed entity or the driver's mapping, which
 * took over a quarter of a read route's CPU under load (bench/http-routes.bench.ts).
 */
export async function readInCenters<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  resource: string,
  id: number,
  centerProperty: keyof T & string,
  centerIds: number[],
): Promise<Record<string, unknown>> {
  if (centerIds.length === 0) throw NotFoundError.resource(resource, id);
  const meta = em.getMetadata().get<T>(entity);
  const [idColumn] = meta.getPrimaryProp().fieldNames;
  const [centerColumn] = meta.properties[centerProperty as EntityKey<T>].fieldNames;
  const sql = `select * from ${meta.tableName} where ${idColumn} = ? and ${centerColumn} in (${centerIds.map(() => '?').join(', ')})`;
  const [row] = await em.getConnection().execute<Record<string, unknown>[]>(sql, [id, ...centerIds]);
  if (!row) throw NotFoundError.resource(resource, id);
  return row;
}

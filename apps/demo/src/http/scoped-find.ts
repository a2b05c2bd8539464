import type { EntityName, FilterQuery } from '@mikro-orm/core';
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

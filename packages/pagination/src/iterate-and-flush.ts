import type { EntityManager } from '@mikro-orm/core';
import type { ConfiguredQuery, IterateOptions } from './configured-query.ts';

/**
 * Walks `query` like {@link ConfiguredQuery.iterate} but runs `em.flush()` and `em.clear()` after
 * every page, so items can be modified along the way while the identity map stays bounded. `query`
 * must map its items into `em`. The checkpoint of a page is reported only after its flush succeeded.
 */
export function iterateAndFlush<Item, Output>(
  em: Pick<EntityManager, 'flush' | 'clear'>,
  query: ConfiguredQuery<Item, Output>,
  options: Omit<IterateOptions, 'afterPage'> = {},
): AsyncGenerator<Output, void, undefined> {
  return query.iterate({
    ...options,
    afterPage: async () => {
      await em.flush();
      em.clear();
    },
  });
}

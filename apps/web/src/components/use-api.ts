import { type Resource, useResource } from '@sluice/react';
import { client } from '../client.ts';

/** GETs `path` of the app's own API (again when it changes, or on `reload`), as the sluice screens load theirs. */
export function useApi<T>(path: string | null): Resource<T> {
  return useResource(path, (signal) => client.request<T>('GET', path as string, undefined, { signal }));
}

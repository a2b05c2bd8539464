import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<string>();

/** Runs `work` with its changes marked as coming from `clientId` (a push): they are no conflict for it. */
export function withSyncOrigin<T>(clientId: string, work: () => Promise<T>): Promise<T> {
  return storage.run(clientId, work);
}

/** The client whose push is running, if any. */
export function currentSyncOrigin(): string | null {
  return storage.getStore() ?? null;
}

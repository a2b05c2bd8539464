import type { SubsetRequest, WatermelonPullResult, WatermelonPushTable } from '../protocol-schema.ts';
import type { SyncEndpoint } from './poke-stream.ts';

/** What WatermelonDB's `synchronize()` passes to `pullChanges`. */
export interface WatermelonPullArgs {
  lastPulledAt?: number | null;
  schemaVersion: number;
  migration: unknown;
}

/** What WatermelonDB's `synchronize()` passes to `pushChanges`. */
export interface WatermelonPushArgs {
  changes: Record<string, WatermelonPushTable>;
  lastPulledAt: number;
}

/** Options of {@link watermelonSync}. */
export interface WatermelonSyncOptions extends SyncEndpoint {
  /**
   * This device's id: its own pushes are no conflict for it. Without one, each push is its own origin
   * (safe, but a device then conflicts with the echo of its own changes pulled in between).
   */
  clientId?: string;
  /**
   * Partial sync: the part of its rows the device syncs (some of the user's scopes, mappings' named
   * parameters), read before each pull. Changing it moves rows in and out on the next sync, no reset.
   */
  subset?: () => SubsetRequest | undefined;
  /**
   * Where the subset token of each pull is kept until the next (default: in memory). Keep it next to
   * WatermelonDB's own `lastPulledAt` (e.g. `database.localStorage`) when the app may restart with a
   * subset: without it the server takes the device for one that held every row.
   */
  subsetTokens?: SubsetTokenStore;
}

/** Keeps the `subset` token a pull answered, by the `timestamp` it came with. */
export interface SubsetTokenStore {
  load(timestamp: number): string | null | undefined | Promise<string | null | undefined>;
  save(timestamp: number, token: string): void | Promise<void>;
}

/** The tokens of the last few pulls (WatermelonDB may not apply the last one, and then sends the one before). */
function memoryTokens(): SubsetTokenStore {
  const tokens = new Map<number, string>();
  return {
    load: (timestamp) => tokens.get(timestamp),
    save: (timestamp, token) => {
      tokens.set(timestamp, token);
      for (const old of [...tokens.keys()].slice(0, -4)) tokens.delete(old);
    },
  };
}

/** A sync failure with the server's answer (`status`, `code`; 409 `SYNC_CONFLICT`: pull, then push again). */
export class WatermelonSyncError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'WatermelonSyncError';
    this.status = status;
    this.code = code;
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & { error?: { code: string; message: string } }) | null;
  if (response.ok && body) return body;
  const error = body?.error ?? { code: `HTTP_${response.status}`, message: response.statusText };
  throw new WatermelonSyncError(response.status, error.code, error.message);
}

/**
 * `pullChanges` and `pushChanges` for WatermelonDB's `synchronize()`, against sluice's WatermelonDB routes
 * (`<url>/watermelon`), written as WatermelonDB's sync guide writes them. Pass
 * `sendCreatedAsUpdated: true` to `synchronize()`: every row comes back as `updated`.
 *
 * @example
 * ```ts
 * import { synchronize } from '@nozbe/watermelondb/sync';
 * const sluice = watermelonSync({ url: '/api/sync', headers: () => ({ authorization: `Bearer ${token}` }), clientId: deviceId });
 * await synchronize({ database, ...sluice, sendCreatedAsUpdated: true, migrationsEnabledAtVersion: 1 });
 * ```
 */
export function watermelonSync(options: WatermelonSyncOptions) {
  const request = options.fetch ?? fetch;
  const client = options.clientId ? `&client_id=${encodeURIComponent(options.clientId)}` : '';
  const tokens = options.subsetTokens ?? memoryTokens();
  return {
    async pullChanges({ lastPulledAt, schemaVersion, migration }: WatermelonPullArgs): Promise<WatermelonPullResult> {
      const query = new URLSearchParams({
        last_pulled_at: String(lastPulledAt ?? null),
        schema_version: String(schemaVersion),
        migration: JSON.stringify(migration ?? null),
      });
      if (options.clientId) query.set('client_id', options.clientId);
      const subset = options.subset?.();
      if (subset?.scopes) query.set('scopes', subset.scopes.join(','));
      if (subset?.parameters) query.set('parameters', JSON.stringify(subset.parameters));
      const held = lastPulledAt ? await tokens.load(lastPulledAt) : null;
      if (held) query.set('subset', held);
      const { subset: token, ...result } = await answer<WatermelonPullResult>(
        await request(`${options.url}/watermelon?${query}`, { headers: await options.headers?.() }),
      );
      if (token) await tokens.save(result.timestamp, token);
      return result;
    },
    async pushChanges({ changes, lastPulledAt }: WatermelonPushArgs): Promise<{ experimentalRejectedIds?: Record<string, string[]> } | undefined> {
      const response = await request(`${options.url}/watermelon?last_pulled_at=${lastPulledAt}${client}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await options.headers?.()) },
        body: JSON.stringify(changes),
      });
      const { experimentalRejectedIds } = await answer<{ experimentalRejectedIds?: Record<string, string[]> }>(response);
      return experimentalRejectedIds ? { experimentalRejectedIds } : undefined;
    },
  };
}

import type { WatermelonPullResult, WatermelonPushTable } from '../protocol-schema.ts';
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
  return {
    async pullChanges({ lastPulledAt, schemaVersion, migration }: WatermelonPullArgs): Promise<WatermelonPullResult> {
      const query = `last_pulled_at=${lastPulledAt ?? null}&schema_version=${schemaVersion}&migration=${encodeURIComponent(JSON.stringify(migration ?? null))}${client}`;
      return answer(await request(`${options.url}/watermelon?${query}`, { headers: await options.headers?.() }));
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

import { Subject } from 'rxjs';
import type { MappingPull, PullResponse, PushResponse, SubsetRequest, SyncRow } from '../protocol-schema.ts';
import { type SyncEndpoint, watchPokes } from './poke-stream.ts';

/** Options of {@link rxdbReplication}. */
export interface RxdbReplicationOptions extends SyncEndpoint {
  /** The mapping the collection replicates, e.g. `people`. */
  mapping: string;
  /** The collection's primary key: the client's uuid for rows it created, the server id as text for the others. */
  primaryKey: string;
  /** The document field that holds the server's id (null until the server has the row; default `id`). */
  idField?: string;
  /** This client's id: its own pushes are no conflict for it. */
  clientId: string;
  /** Rows per pull and per push (default 100). */
  batchSize?: number;
  /** Pull when the server pokes (the live stream) instead of only when RxDB asks (default true). */
  live?: boolean;
  /**
   * Partial sync: the part of the mapping's rows to replicate, read before each pull. When it changes,
   * the next pull (call `reSync()`) deletes the rows that left it and brings those that entered.
   */
  subset?: () => SubsetRequest | undefined;
  /** Stops the live stream (e.g. when the replication is cancelled). */
  signal?: AbortSignal;
}

type Document = Record<string, unknown> & { _deleted?: boolean };

async function post<T>(options: SyncEndpoint, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await (options.fetch ?? fetch)(`${options.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await options.headers?.()) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * The `pull` and `push` options of RxDB's `replicateRxCollection` for one sluice mapping. It honours
 * RxDB's conflict contract: a push hands back the server's state of each row someone else changed
 * since the client's checkpoint, and every other row is written (the server leaves the conflicts out
 * instead of refusing the batch). Live: the server's pokes make RxDB pull (`RESYNC`) as soon as a change
 * the user may sync commits, on any server instance.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * replicateRxCollection({
 *   collection: db.people, replicationIdentifier: 'sluice-people', live: true,
 *   ...rxdbReplication({ url: '/api/sync', mapping: 'people', primaryKey: 'key', clientId, headers: () => ({ authorization: `Bearer ${token}` }), signal: stop.signal }),
 * });
 * ```
 */
export function rxdbReplication(options: RxdbReplicationOptions) {
  const idField = options.idField ?? 'id';
  const batchSize = options.batchSize ?? 100;
  /** The position pushes are checked from: the last checkpoint RxDB handed or a pull returned. */
  let checkpoint: string | null = null;
  const checkpointKnown = Promise.withResolvers<void>();
  const keyOf = (id: string | number, uuids: Map<string, string>) => uuids.get(String(id)) ?? String(id);

  const toDocument = (row: SyncRow, uuids: Map<string, string>): Document => {
    const { id, ...fields } = row;
    return { ...fields, [idField]: id, [options.primaryKey]: keyOf(id, uuids), _deleted: false };
  };
  const pages = async (from: string | null, limit: number) => {
    const documents: Document[] = [];
    let at = from;
    for (let more = true; more && documents.length < limit; ) {
      const { status, body } = await post<PullResponse>(options, '/pull', {
        mappings: { [options.mapping]: at },
        limit: limit - documents.length,
        ...options.subset?.(),
      });
      if (status !== 200) throw new Error(`the sync pull answered ${status}`);
      const page = body.mappings[options.mapping] as MappingPull;
      const uuids = new Map(page.newItems.map((item) => [String(item.id), item.uuid]));
      documents.push(...page.changes.map((row) => toDocument(row, uuids)));
      for (const id of page.deletes) documents.push({ [options.primaryKey]: keyOf(id, uuids), [idField]: id, _deleted: true });
      at = page.checkpoint;
      more = page.hasMore;
    }
    return { documents, checkpoint: at };
  };

  const stream$ = new Subject<'RESYNC'>();
  if (options.live ?? true)
    void watchPokes({
      ...options,
      mappings: [options.mapping],
      // The scopes as they are when the stream opens; a pull always uses the current subset.
      scopes: options.subset?.()?.scopes,
      onPoke: () => stream$.next('RESYNC'),
      signal: options.signal,
    }).finally(() => stream$.complete());

  return {
    pull: {
      batchSize,
      stream$: stream$.asObservable(),
      async handler(last: { token: string } | undefined, size: number) {
        checkpoint ??= last?.token ?? null;
        checkpointKnown.resolve();
        const pulled = await pages(last?.token ?? null, size);
        checkpoint = pulled.checkpoint;
        return { documents: pulled.documents, checkpoint: pulled.checkpoint === null ? undefined : { token: pulled.checkpoint } };
      },
    },
    push: {
      batchSize,
      async handler(rows: { newDocumentState: Document }[]) {
        // Conflicts are decided from what the client last pulled: RxDB pulls (or hands the stored checkpoint) first.
        await checkpointKnown.promise;
        const changes = { created: [] as Record<string, unknown>[], updated: [] as Record<string, unknown>[], deleted: [] as (string | number)[] };
        for (const { newDocumentState: document } of rows) {
          const fields = Object.fromEntries(
            Object.entries(document).filter(([name]) => !name.startsWith('_') && name !== options.primaryKey && name !== idField),
          );
          const id = document[idField] as string | number | null | undefined;
          const key = String(document[options.primaryKey]);
          if (document._deleted) changes.deleted.push(id ?? key);
          else if (id === null || id === undefined) changes.created.push({ ...fields, uuid: key });
          else changes.updated.push({ ...fields, id });
        }
        const { status, body } = await post<PushResponse>(options, '/push', {
          clientId: options.clientId,
          batchId: crypto.randomUUID(),
          checkpoints: checkpoint ? { [options.mapping]: checkpoint } : {},
          onConflict: 'return',
          changes: { [options.mapping]: changes },
        });
        if (status !== 200) throw new Error(`the sync push answered ${status}`);
        const uuids = new Map<string, string>(
          rows.flatMap(({ newDocumentState: document }) =>
            document[idField] == null ? [] : [[String(document[idField]), String(document[options.primaryKey])]],
          ),
        );
        return (body.conflicts ?? [])
          .filter((conflict) => conflict.mapping === options.mapping)
          .map((conflict) =>
            conflict.row
              ? toDocument(conflict.row as SyncRow, uuids)
              : { [options.primaryKey]: keyOf(conflict.id, uuids), [idField]: conflict.id, _deleted: true },
          );
      },
    },
  };
}

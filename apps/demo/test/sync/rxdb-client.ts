import { randomUUID } from 'node:crypto';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { type RxReplicationState, replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';

/** A person as the RxDB collection stores it: `key` is the client's primary key, `id` the server's. */
export interface PersonDoc {
  key: string;
  id: number | null;
  first_name: string;
  last_name: string;
  gender: string | null;
  birthdate: string | null;
  nationality: string | null;
  center_id: number;
}

const personSchema = {
  version: 0,
  primaryKey: 'key',
  type: 'object',
  properties: {
    key: { type: 'string', maxLength: 64 },
    id: { type: ['number', 'null'] },
    first_name: { type: 'string' },
    last_name: { type: 'string' },
    gender: { type: ['string', 'null'] },
    birthdate: { type: ['string', 'null'] },
    nationality: { type: ['string', 'null'] },
    center_id: { type: 'number' },
  },
  required: ['key', 'first_name', 'last_name', 'center_id'],
} as const;

type Row = Record<string, unknown> & { id: number };

/** An RxDB database in memory whose `people` replicate live with `/api/sync` through `replicateRxCollection`. */
export class RxdbClient {
  database!: RxDatabase;
  people!: RxCollection<PersonDoc>;
  replication!: RxReplicationState<PersonDoc, { token: string }>;
  /** Server id -> the key of the document (the uuid for rows this client created). */
  readonly #keys = new Map<string, string>();
  #lastCheckpoint: string | null = null;
  readonly #base: string;
  readonly #token: () => string;
  readonly clientId = `rxdb-${randomUUID()}`;
  /** Status codes of pushes, in order. */
  readonly pushStatuses: number[] = [];

  constructor(base: string, token: () => string) {
    this.#base = base;
    this.#token = token;
  }

  async start(): Promise<void> {
    this.database = await createRxDatabase({ name: `people${Date.now()}${Math.floor(Math.random() * 1e6)}`, storage: getRxStorageMemory() });
    const collections = await this.database.addCollections({ people: { schema: personSchema } });
    this.people = collections.people as RxCollection<PersonDoc>;
    this.replication = replicateRxCollection<PersonDoc, { token: string }>({
      collection: this.people,
      replicationIdentifier: `sluice-people-${this.#base}`,
      live: true,
      retryTime: 100,
      pull: { batchSize: 25, handler: (checkpoint, batchSize) => this.#pull(checkpoint?.token ?? null, batchSize) },
      push: { batchSize: 25, handler: (rows) => this.#push(rows) },
    });
    await this.replication.awaitInitialReplication();
  }

  /**
   * Pulls and pushes until both sides agree and `done` holds: a reSync asked for while a cycle is
   * under way may be folded into it, so a test waits for what it expects (a few rounds at most).
   */
  async settle(done: () => boolean | Promise<boolean> = () => true): Promise<void> {
    for (let round = 0; round < 50; round++) {
      this.replication.reSync();
      await this.replication.awaitInSync();
      if (await done()) return;
      await new Promise((wake) => setTimeout(wake, 50));
    }
  }

  async #request(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.#base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#token()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  #toDoc(row: Row): PersonDoc & { _deleted: boolean } {
    const { id, ...fields } = row;
    return { ...(fields as Omit<PersonDoc, 'key' | 'id'>), id, key: this.#keys.get(String(id)) ?? String(id), _deleted: false };
  }

  async #pull(token: string | null, batchSize: number) {
    const documents: (PersonDoc & { _deleted: boolean })[] = [];
    let checkpoint = token;
    for (let more = true; more && documents.length < batchSize; ) {
      const { status, body } = await this.#request('/api/sync/pull', { mappings: { people: checkpoint }, limit: batchSize - documents.length });
      if (status !== 200) throw new Error(`pull answered ${status}`);
      const page = (
        body.mappings as Record<string, { changes: Row[]; deletes: number[]; newItems: { uuid: string; id: number }[]; checkpoint: string; hasMore: boolean }>
      ).people;
      if (!page) throw new Error('no people page');
      for (const item of page.newItems) this.#keys.set(String(item.id), item.uuid);
      documents.push(...page.changes.map((row) => this.#toDoc(row)));
      for (const id of page.deletes)
        documents.push({
          key: this.#keys.get(String(id)) ?? String(id),
          id,
          first_name: '',
          last_name: '',
          gender: null,
          birthdate: null,
          nationality: null,
          center_id: 0,
          _deleted: true,
        });
      checkpoint = page.checkpoint;
      more = page.hasMore;
    }
    this.#lastCheckpoint = checkpoint;
    return { documents, checkpoint: { token: checkpoint as string } };
  }

  async #push(rows: { newDocumentState: PersonDoc & { _deleted?: boolean } }[]) {
    const created = [];
    const updated = [];
    const deleted = [];
    for (const { newDocumentState: doc } of rows) {
      const { key, id, _deleted, ...fields } = doc as PersonDoc & { _deleted?: boolean; _meta?: unknown; _rev?: unknown; _attachments?: unknown };
      const values = Object.fromEntries(Object.entries(fields).filter(([name]) => !name.startsWith('_')));
      if (_deleted) deleted.push(id ?? key);
      else if (id === null || id === undefined) created.push({ uuid: key, ...values });
      else updated.push({ id, ...values });
    }
    const checkpoints = this.#lastCheckpoint ? { people: this.#lastCheckpoint } : {};
    const { status, body } = await this.#request('/api/sync/push', {
      clientId: this.clientId,
      batchId: randomUUID(),
      checkpoints,
      changes: { people: { created, updated, deleted } },
    });
    this.pushStatuses.push(status);
    if (status === 409) {
      // RxDB resolves conflicts from the master's state: hand it the server's rows.
      const conflicts = (body.error as { details: { conflicts: { row: Row | null }[] } }).details.conflicts;
      return conflicts.flatMap(({ row }) => (row ? [this.#toDoc(row)] : []));
    }
    if (status !== 200) throw new Error(`push answered ${status}`);
    for (const item of (body.mappings as Record<string, { newItems: { uuid: string; id: number }[] }>).people?.newItems ?? [])
      this.#keys.set(String(item.id), item.uuid);
    return [];
  }

  async stop(): Promise<void> {
    await this.replication.cancel();
    await this.database.close();
  }
}

import { randomUUID } from 'node:crypto';
import type { SubsetRequest } from '@sluice/sync';
import { rxdbReplication } from '@sluice/sync/rxdb';
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

/**
 * An RxDB database in memory whose `people` replicate live with `/api/sync` through `replicateRxCollection`
 * and sluice's own handlers (`@sluice/sync/rxdb`), as an app would set it up.
 */
export class RxdbClient {
  database!: RxDatabase;
  people!: RxCollection<PersonDoc>;
  replication!: RxReplicationState<PersonDoc, { token: string }>;
  readonly #base: string;
  readonly #token: () => string;
  readonly #stop = new AbortController();
  readonly clientId = `rxdb-${randomUUID()}`;
  /** Status codes of pushes, in order. */
  readonly pushStatuses: number[] = [];

  readonly #subset: (() => SubsetRequest | undefined) | undefined;

  /** `subset`: partial sync, read before each pull. */
  constructor(base: string, token: () => string, subset?: () => SubsetRequest | undefined) {
    this.#base = base;
    this.#token = token;
    this.#subset = subset;
  }

  async start(): Promise<void> {
    this.database = await createRxDatabase({ name: `people${Date.now()}${Math.floor(Math.random() * 1e6)}`, storage: getRxStorageMemory() });
    const collections = await this.database.addCollections({ people: { schema: personSchema } });
    this.people = collections.people as RxCollection<PersonDoc>;
    const sluice = rxdbReplication({
      url: `${this.#base}/api/sync`,
      mapping: 'people',
      primaryKey: 'key',
      clientId: this.clientId,
      batchSize: 25,
      headers: () => ({ authorization: `Bearer ${this.#token()}` }),
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).endsWith('/push')) this.pushStatuses.push(response.status);
        return response;
      },
      signal: this.#stop.signal,
      subset: this.#subset,
    });
    this.replication = replicateRxCollection<PersonDoc, { token: string }>({
      collection: this.people,
      replicationIdentifier: `sluice-people-${this.#base}`,
      live: true,
      retryTime: 100,
      pull: sluice.pull as never,
      push: sluice.push as never,
    });
    await this.replication.awaitInitialReplication();
  }

  /** Waits, without asking RxDB to pull, until `done` holds: what arrives comes through the live stream. */
  async until(done: () => boolean | Promise<boolean>): Promise<void> {
    for (let waited = 0; !(await done()); waited += 50) {
      if (waited > 15_000) throw new Error('the client did not get there in 15 s');
      await new Promise((wake) => setTimeout(wake, 50));
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.replication.cancel();
    await this.database.close();
  }
}

import { createRequire } from 'node:module';
import type { SubsetRequest } from '@sluice/sync';
import { watermelonSync } from '@sluice/sync/watermelondb';

// WatermelonDB ships CommonJS whose directory imports ESM refuses; models use no decorators.
const require = createRequire(import.meta.url);
const { Database, Model, appSchema, tableSchema } = require('@nozbe/watermelondb');
const LokiJSAdapter = require('@nozbe/watermelondb/adapters/lokijs/index.js').default;
const { synchronize } = require('@nozbe/watermelondb/sync/index.js');

type Column = { name: string; type: 'string' | 'number' | 'boolean'; isOptional?: boolean };

const tables: Record<string, Column[]> = {
  statuses: [{ name: 'name', type: 'string' }],
  products: [
    { name: 'name', type: 'string' },
    { name: 'price', type: 'number' },
  ],
  people: [
    { name: 'first_name', type: 'string' },
    { name: 'last_name', type: 'string' },
    { name: 'gender', type: 'string', isOptional: true },
    { name: 'birthdate', type: 'string', isOptional: true },
    { name: 'nationality', type: 'string', isOptional: true },
    { name: 'center_id', type: 'number' },
  ],
  activities: [
    { name: 'person_id', type: 'string' },
    { name: 'type_id', type: 'number' },
    { name: 'date', type: 'string' },
    { name: 'duration_minutes', type: 'number' },
  ],
  orders: [
    { name: 'person_id', type: 'string' },
    { name: 'status_id', type: 'string' },
    { name: 'total_price', type: 'number' },
    { name: 'delivery_date', type: 'string', isOptional: true },
    { name: 'product_ids', type: 'string' },
  ],
  order_products: [
    { name: 'order_id', type: 'number' },
    { name: 'product_id', type: 'number' },
  ],
};

/** A raw WatermelonDB record as tests read it. */
export type Raw = Record<string, unknown> & { id: string };

/** A WatermelonDB database in memory (LokiJS), synced against a running demo server. */
export class WatermelonClient {
  // biome-ignore lint/suspicious/noExplicitAny: WatermelonDB's own objects, untyped through require()
  readonly database: any;
  readonly #base: string;
  readonly #token: () => string;
  /** Runs before each push reaches the server (tests use it to race the push). */
  beforePush: (() => Promise<void>) | null = null;
  /** The answers of the last pull and push. */
  lastPull: Record<string, unknown> | null = null;
  lastPushStatus = 0;

  constructor(base: string, token: () => string) {
    this.#base = base;
    this.#token = token;
    const schema = appSchema({ version: 1, tables: Object.entries(tables).map(([name, columns]) => tableSchema({ name, columns })) });
    const modelClasses = Object.keys(tables).map((table) => {
      const model = class extends Model {};
      Object.defineProperty(model, 'table', { value: table });
      return model;
    });
    const adapter = new LokiJSAdapter({ schema, useWebWorker: false, useIncrementalIndexedDB: false, dbName: `test-${Math.random()}` });
    this.database = new Database({ adapter, modelClasses });
  }

  #headers(): Record<string, string> {
    return { authorization: `Bearer ${this.#token()}`, 'content-type': 'application/json' };
  }

  /**
   * WatermelonDB's own `synchronize()` against `/api/sync/watermelon`, with the guide's pull and push as
   * written there: the query built by interpolation (`last_pulled_at=null` on a first sync) and the
   * changes object itself as the push body.
   */
  sync(): Promise<void> {
    return synchronize({
      database: this.database,
      sendCreatedAsUpdated: true,
      pullChanges: async ({ lastPulledAt, schemaVersion, migration }: { lastPulledAt?: number; schemaVersion: number; migration: unknown }) => {
        const urlParams = `last_pulled_at=${lastPulledAt}&schema_version=${schemaVersion}&migration=${encodeURIComponent(JSON.stringify(migration))}`;
        const response = await fetch(`${this.#base}/api/sync/watermelon?${urlParams}`, { headers: this.#headers() });
        if (response.status !== 200) throw new Error(`pull answered ${response.status}: ${await response.text()}`);
        this.lastPull = (await response.json()) as Record<string, unknown>;
        return this.lastPull;
      },
      pushChanges: async ({ changes, lastPulledAt }: { changes: unknown; lastPulledAt: number }) => {
        await this.beforePush?.();
        const response = await fetch(`${this.#base}/api/sync/watermelon?last_pulled_at=${lastPulledAt}`, {
          method: 'POST',
          headers: this.#headers(),
          body: JSON.stringify(changes),
        });
        this.lastPushStatus = response.status;
        if (response.status !== 200) throw new Error(`push answered ${response.status}: ${await response.text()}`);
        return response.json();
      },
    });
  }

  /** The same `synchronize()` with sluice's shipped pair (`@sluice/sync/watermelondb`) instead of the guide's code. */
  syncWithAdapter(clientId: string): Promise<void> {
    const sluice = watermelonSync({ url: `${this.#base}/api/sync`, headers: () => ({ authorization: `Bearer ${this.#token()}` }), clientId });
    return synchronize({ database: this.database, sendCreatedAsUpdated: true, ...sluice });
  }

  /**
   * Partial sync with the shipped pair: one adapter for the client's life (it keeps each pull's subset
   * token), asking for `subset()` at each pull. Each pull's answer is kept in `lastPull`.
   */
  partial(clientId: string, subset: () => SubsetRequest | undefined): () => Promise<void> {
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).includes('/watermelon?') && (init?.method ?? 'GET') === 'GET' && response.ok)
        this.lastPull = (await response.clone().json()) as Record<string, unknown>;
      return response;
    };
    const sluice = watermelonSync({
      url: `${this.#base}/api/sync`,
      headers: () => ({ authorization: `Bearer ${this.#token()}` }),
      clientId,
      subset,
      fetch: recording,
    });
    return () => synchronize({ database: this.database, sendCreatedAsUpdated: true, ...sluice });
  }

  /** Every raw record of `table`. */
  async all(table: string): Promise<Raw[]> {
    const records = await this.database.get(table).query().fetch();
    return records.map((record: { _raw: Raw }) => record._raw);
  }

  async find(table: string, id: string): Promise<Raw | undefined> {
    return (await this.all(table)).find((raw) => raw.id === id);
  }

  /** Creates a record offline; returns its (client-made) id. */
  async create(table: string, values: Record<string, unknown>): Promise<string> {
    let id = '';
    await this.database.write(async () => {
      const record = await this.database.get(table).create((draft: { _setRaw(name: string, value: unknown): void }) => {
        for (const [name, value] of Object.entries(values)) draft._setRaw(name, value);
      });
      id = record.id;
    });
    return id;
  }

  /** Changes a record offline. */
  async update(table: string, id: string, values: Record<string, unknown>): Promise<void> {
    await this.database.write(async () => {
      const record = await this.database.get(table).find(id);
      await record.update((draft: { _setRaw(name: string, value: unknown): void }) => {
        for (const [name, value] of Object.entries(values)) draft._setRaw(name, value);
      });
    });
  }

  /** Deletes a record offline (marked, so the next sync pushes the delete). */
  async remove(table: string, id: string): Promise<void> {
    await this.database.write(async () => {
      const record = await this.database.get(table).find(id);
      await record.markAsDeleted();
    });
  }

  /** Drops a record locally without telling the server. */
  async forget(table: string, id: string): Promise<void> {
    await this.database.write(async () => {
      const record = await this.database.get(table).find(id);
      await record.destroyPermanently();
    });
  }
}

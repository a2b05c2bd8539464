import { defineEntity, type EventSubscriber, type InferEntity, MikroORM, p } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { DialectName } from '@sluice/db';
import { createTestDatabase, mikroOrmConnection, type TestDatabase } from '@sluice/test-utils';
import { z } from 'zod';
import {
  type MappingPull,
  SyncServer,
  type SyncSubject,
  SyncSubscriber,
  syncEntities,
  syncEntity,
  syncKeySchema,
  syncMembership,
  syncParameter,
} from '../src/index.ts';

export const Tag = defineEntity({ name: 'SyTag', tableName: 'sy_tag', properties: { id: p.integer().primary(), name: p.string().length(30) } });
export const Node = defineEntity({
  name: 'SyNode',
  tableName: 'sy_node',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(30),
    centerId: p.integer(),
    parent: () => p.manyToOne(Node).nullable().deleteRule('set null'),
    tags: () => p.manyToMany(Tag).pivotTable('sy_node_tags'),
  },
});
export type Node = InferEntity<typeof Node>;
/** A row whose scope is its node's: it moves, and is deleted by the database, with its node. */
export const Note = defineEntity({
  name: 'SyNote',
  tableName: 'sy_note',
  properties: {
    id: p.integer().primary(),
    node: () => p.manyToOne(Node).deleteRule('cascade'),
    text: p.string().length(100),
  },
});
export type Note = InferEntity<typeof Note>;
/** A table no mapping syncs. */
export const Plain = defineEntity({ name: 'SyPlain', tableName: 'sy_plain', properties: { id: p.integer().primary(), name: p.string().length(30) } });

export const mappings = [
  syncEntity({ name: 'tags', entity: Tag, fields: { name: 'name' } }),
  syncEntity<Node>({
    name: 'nodes',
    entity: Node,
    fields: { name: 'name', center_id: 'centerId', parent_id: 'parent', tag_ids: 'tags' },
    scope: 'centerId',
    parents: ['parent'],
    // Partial sync: nodes of some names, or whose parent has one of some names (a path through a many-to-one).
    parameters: {
      names: syncParameter({ schema: z.array(z.string().min(1).max(30)).max(20), path: 'name' }),
      parent_names: syncParameter({ schema: z.array(z.string().min(1).max(30)).max(20), path: 'parent.name' }),
    },
    push: {
      schema: z.object({
        name: z.string().trim().min(1).max(30),
        center_id: z.number().int().positive(),
        parent_id: syncKeySchema.nullable().default(null),
        tag_ids: z.array(syncKeySchema).max(10).default([]),
      }),
    },
  }),
  syncMembership({ name: 'node_tags', owner: 'nodes', collection: 'tags', ownerField: 'node_id', targetField: 'tag_id' }),
  syncEntity<Note>({
    name: 'notes',
    entity: Note,
    fields: { node_id: 'node', text: 'text' },
    scope: 'node.centerId',
    parents: ['node'],
    push: { schema: z.object({ node_id: syncKeySchema, text: z.string().min(1).max(100) }) },
  }),
];

/** Every mapping's name, in declaration order. */
export const mappingNames = ['tags', 'nodes', 'node_tags', 'notes'];

export type Orm = MikroORM<AbstractSqlDriver, EntityManager>;

/** An ORM on `database` with the fixture's entities; with a {@link SyncSubscriber}, it logs synced changes (a server process). */
export async function openOrm(database: TestDatabase, subscribers: EventSubscriber[] = []): Promise<Orm> {
  return (await MikroORM.init({
    ...mikroOrmConnection(database),
    entities: [Tag, Node, Note, Plain, ...syncEntities],
    subscribers,
    forceUtcTimezone: true,
  })) as Orm;
}

export interface Fixture {
  orm: Orm;
  database: TestDatabase;
  subscriber: SyncSubscriber;
  server: SyncServer;
  em(): EntityManager;
  /** Runs a statement outside any transaction. */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Log rows (mapping:rowId:op), oldest first. */
  log(): Promise<string[]>;
  /**
   * Adds `count` nodes spread over centers 1..3 (node i in center 1 + i % 3), each with one note and
   * tag 1 + i % 3; returns their ids.
   */
  addNodes(count: number, name?: string): Promise<number[]>;
  close(): Promise<void>;
}

export async function createFixture(dialect: DialectName): Promise<Fixture> {
  const database = await createTestDatabase(dialect);
  const subscriber = new SyncSubscriber(mappings);
  const orm = await openOrm(database, [subscriber]);
  await orm.schema.create();
  const server = new SyncServer({ mappings });
  await server.init(orm.em.fork());
  const em = orm.em.fork();
  for (const [index, name] of ['red', 'green', 'blue'].entries()) em.create(Tag, { id: index + 1, name });
  await em.flush();
  return {
    orm,
    database,
    subscriber,
    server,
    em: () => orm.em.fork(),
    sql: (text, params = []) => orm.em.fork().getConnection().execute(text, params),
    log: async () =>
      (await orm.em.fork().getConnection().execute('select mapping, row_id, op from sync_change order by version, id')).map(
        (row) => `${row.mapping}:${row.row_id}:${row.op}`,
      ),
    addNodes: async (count, name = 'n') => {
      const fork = orm.em.fork();
      const nodes = Array.from({ length: count }, (_, i) => {
        const node = fork.create(Node, { name: `${name}${i}`, centerId: 1 + (i % 3) });
        node.tags.add(fork.getReference(Tag, 1 + (i % 3)));
        fork.create(Note, { node, text: `note of ${name}${i}` });
        return node;
      });
      await fork.flush();
      return nodes.map((node) => node.id);
    },
    close: async () => {
      await orm.close(true);
      await database.drop();
    },
  };
}

/** What a generic-protocol client holds: rows and a checkpoint per mapping. */
export interface ProtocolClient {
  rows: Map<string, Map<string, Record<string, unknown>>>;
  checkpoints: Record<string, string | null>;
  resets: number;
}

/** A new client of `names` (default every mapping), with nothing pulled yet. */
export function protocolClient(names: readonly string[] = mappingNames): ProtocolClient {
  return { rows: new Map(names.map((name) => [name, new Map()])), checkpoints: Object.fromEntries(names.map((name) => [name, null])), resets: 0 };
}

/** Applies one page of a mapping to `client`, as a client does: a reset drops its rows first. */
export function applyPage(client: ProtocolClient, name: string, page: MappingPull): void {
  const rows = client.rows.get(name) as Map<string, Record<string, unknown>>;
  if (page.reset) {
    rows.clear();
    client.resets += 1;
  }
  for (const row of page.changes) rows.set(String(row.id), row);
  for (const id of page.deletes) rows.delete(String(id));
  client.checkpoints[name] = page.checkpoint;
}

/** Pulls every mapping of `client` from `server` until no page has more; returns the number of pulls. */
export async function pullUntilDone(f: Pick<Fixture, 'server' | 'em'>, subject: SyncSubject, client: ProtocolClient, limit = 1_000): Promise<number> {
  let pulls = 0;
  for (let more = true; more; ) {
    const response = await f.server.pull(f.em(), subject, { mappings: client.checkpoints, limit });
    pulls += 1;
    more = false;
    for (const [name, page] of Object.entries(response.mappings)) {
      applyPage(client, name, page);
      more ||= page.hasMore;
    }
  }
  return pulls;
}

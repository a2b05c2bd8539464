import { defineEntity, type InferEntity, MikroORM, p } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { DialectName } from '@sluice/db';
import { createTestDatabase, mikroOrmConnection, type TestDatabase } from '@sluice/test-utils';
import { SyncServer, SyncSubscriber, syncEntities, syncEntity, syncMembership } from '../src/index.ts';

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

export const mappings = [
  syncEntity({ name: 'tags', entity: Tag, fields: { name: 'name' } }),
  syncEntity<Node>({ name: 'nodes', entity: Node, fields: { name: 'name', parent_id: 'parent', tag_ids: 'tags' }, scope: 'centerId', parents: ['parent'] }),
  syncMembership({ name: 'node_tags', owner: 'nodes', collection: 'tags', ownerField: 'node_id', targetField: 'tag_id' }),
];

export interface Fixture {
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  database: TestDatabase;
  subscriber: SyncSubscriber;
  server: SyncServer;
  em(): EntityManager;
  /** Log rows (mapping:rowId:op), oldest first. */
  log(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createFixture(dialect: DialectName): Promise<Fixture> {
  const database = await createTestDatabase(dialect);
  const subscriber = new SyncSubscriber(mappings);
  const orm = (await MikroORM.init({
    ...mikroOrmConnection(database),
    entities: [Tag, Node, ...syncEntities],
    subscribers: [subscriber],
    forceUtcTimezone: true,
  })) as MikroORM<AbstractSqlDriver, EntityManager>;
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
    log: async () =>
      (await orm.em.fork().getConnection().execute('select mapping, row_id, op from sync_change order by version, id')).map(
        (row) => `${row.mapping}:${row.row_id}:${row.op}`,
      ),
    close: async () => {
      await orm.close(true);
      await database.drop();
    },
  };
}

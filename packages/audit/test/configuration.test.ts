import { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditSubscriber, auditEntities, trackEntity } from '../src/index.ts';
import { auditOptions, createFixture, createOrder, type Fixture, Order, type Order as OrderType, Product, Status } from './fixture.ts';

describeEachDialect('audit configuration', (dialect) => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await createFixture(dialect);
  });
  afterAll(() => fixture.close());

  it('rejects unknown properties and unregistered entities with AUDIT_INVALID_CONFIG', () => {
    const metadata = fixture.orm.getMetadata();
    const bad = [
      trackEntity<OrderType>({ entity: Order, type: 'orders', label: 'Order', fields: { nope: { label: 'Nope' } } as never }),
      trackEntity({ entity: class Unregistered {}, type: 'ghosts', label: 'Ghost', fields: {} }),
    ];
    for (const entity of bad) {
      expect(() => new AuditSubscriber({ entities: [entity] }).assertConfiguration(metadata)).toThrowError(
        expect.objectContaining({ code: 'AUDIT_INVALID_CONFIG' }),
      );
    }
    expect(() => new AuditSubscriber(auditOptions).assertConfiguration(metadata)).not.toThrow();
  });

  it('tracks nothing for an entity with enabled: false', async () => {
    const orm = (await MikroORM.init({
      ...fixture.orm.config.getAll(),
      entities: [Status, Product, Order, ...auditEntities],
      subscribers: [new AuditSubscriber({ entities: auditOptions.entities.map((entity) => ({ ...entity, enabled: false })) })],
    })) as MikroORM<AbstractSqlDriver, EntityManager>;
    try {
      const before = (await fixture.changes()).length;
      const em = orm.em.fork();
      em.create(Order, { status: em.getReference(Status, 1), totalPrice: 1, placedAt: new Date(), centerId: 1 });
      await em.flush();
      expect((await fixture.changes()).length).toBe(before);
      await createOrder(fixture);
      expect((await fixture.changes()).length).toBe(before + 1);
    } finally {
      await orm.close();
    }
  });
});

import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { AuditChange, AuditRevision, recordBulkChange, systemActor, withAuditContext } from '../src/index.ts';
import { createFixture, createOrder, type Fixture, failingPrice, Order, Product, Status } from './fixture.ts';

describeEachDialect('audit capture', (dialect) => {
  let fixture: Fixture;
  let before: number;
  beforeAll(async () => {
    fixture = await createFixture(dialect);
  });
  afterAll(() => fixture.close());
  beforeEach(async () => {
    before = (await fixture.changes()).length;
  });
  const newChanges = async () => (await fixture.changes()).slice(before);

  it('records a create with its generated id, display values and the actor', async () => {
    const id = await withAuditContext({ actor: { id: 7, username: 'alice' }, correlationId: 'req-1' }, () => createOrder(fixture));
    const [change] = await newChanges();
    expect(change).toMatchObject({ entity_type: 'orders', entity_id: String(id), action: 'create', scope: '1' });
    // Stored once, in the state; the reader lists them as changes from nothing.
    expect(change?.changes).toEqual([]);
    expect(change?.state).toMatchObject({ status: 'New', totalPrice: '€10.00', deliveryDate: '2025-12-01' });
    expect(change?.collections).toEqual([{ field: 'products', added: ['TV', 'Laptop'], removed: [] }]);
    const page = await fixture.reader.history(fixture.em(), 'orders', id, { limit: 10 });
    expect(page.items[0]).toMatchObject({ action: 'create', actor: { id: 7, username: 'alice' }, correlationId: 'req-1', entityId: String(id) });
    expect(page.items[0]?.changes.map(({ field, old, new: value }) => ({ field, old, new: value }))).toEqual([
      { field: 'status', old: null, new: 'New' },
      { field: 'totalPrice', old: null, new: '€10.00' },
      { field: 'deliveryDate', old: null, new: '2025-12-01' },
      { field: 'placedAt', old: null, new: '2025-01-01' },
    ]);
  });

  it('records an update in one revision per flush, as end users read it', async () => {
    const id = await createOrder(fixture);
    const revisionsBefore = await fixture.revisions();
    const em = fixture.em();
    const order = await em.findOneOrFail(Order, id);
    order.status = em.getReference(Status, 2);
    order.deliveryDate = '2025-12-03';
    const other = em.create(Order, { status: em.getReference(Status, 1), totalPrice: 5, placedAt: new Date(), centerId: 2 });
    await em.flush();
    expect(await fixture.revisions()).toBe(revisionsBefore + 1);
    const page = await fixture.reader.history(fixture.em(), 'orders', id, { limit: 10 });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]?.changes.map((change) => change.text)).toEqual([
      'Status changed from New to Collecting',
      'Delivery date changed from 2025-12-01 to 2025-12-03',
    ]);
    expect(page.items[0]?.revision).toBeGreaterThan(page.items[1]?.revision as number);
    expect((await fixture.reader.history(fixture.em(), 'orders', other.id, { limit: 10 })).items[0]?.revision).toBe(page.items[0]?.revision);
  });

  it('writes nothing for untracked changes, no-op flushes, same-day dates and equal instants', async () => {
    const id = await createOrder(fixture);
    before = (await fixture.changes()).length;
    const em = fixture.em();
    const order = await em.findOneOrFail(Order, id);
    order.note = 'untracked';
    await em.flush();
    await em.flush();
    order.deliveryDate = '2025-12-01T15:30:00';
    order.placedAt = new Date('2025-01-01T01:00:00+01:00');
    await em.flush();
    expect(await newChanges()).toEqual([]);
  });

  it('diffs many-to-many additions and removals, also set() on a collection never loaded', async () => {
    const id = await createOrder(fixture);
    let em = fixture.em();
    let order = await em.findOneOrFail(Order, id, { populate: ['products'] });
    order.products.add(em.getReference(Product, 3));
    order.products.remove(em.getReference(Product, 1));
    await em.flush();
    em = fixture.em();
    order = await em.findOneOrFail(Order, id);
    expect(order.products.isInitialized()).toBe(false);
    order.products.set([em.getReference(Product, 1)]);
    await em.flush();
    const [added, replaced] = (await newChanges()).slice(1);
    expect(added?.collections).toEqual([{ field: 'products', added: ['Mouse'], removed: ['TV'] }]);
    expect(replaced?.collections).toEqual([{ field: 'products', added: ['TV'], removed: ['Laptop', 'Mouse'] }]);
    expect(replaced?.state).toMatchObject({ products: ['TV'] });
  });

  it('never initialises a lazy collection to compute a diff, yet keeps it in the state', async () => {
    const id = await createOrder(fixture);
    const em = fixture.em();
    const order = await em.findOneOrFail(Order, id);
    order.totalPrice = 2500;
    await em.flush();
    expect(order.products.isInitialized()).toBe(false);
    const last = (await newChanges()).at(-1);
    expect(last?.changes).toEqual([{ field: 'totalPrice', old: '€10.00', new: '€25.00' }]);
    expect((last?.state as Record<string, unknown> | undefined)?.products).toEqual(['TV', 'Laptop']);
  });

  it('keeps the id and a display snapshot of a deleted entity; its state as of later is null', async () => {
    const id = await createOrder(fixture);
    const em = fixture.em();
    em.remove(await em.findOneOrFail(Order, id));
    await em.flush();
    const last = (await newChanges()).at(-1);
    expect(last).toMatchObject({ entity_id: String(id), action: 'delete', changes: [], collections: [] });
    expect(last?.state).toMatchObject({ status: 'New', totalPrice: '€10.00', products: ['TV', 'Laptop'] });
    expect(await fixture.reader.stateAsOf(fixture.em(), 'orders', id, new Date(Date.now() + 60_000))).toEqual({ revision: null, at: null, state: null });
    const history = await fixture.reader.history(fixture.em(), 'orders', id, { limit: 5 });
    expect(history.items.map((entry) => entry.action)).toEqual(['delete', 'create']);
    const created = await fixture.reader.stateAsOf(fixture.em(), 'orders', id, { revision: history.items[1]?.revision as number });
    expect(created?.state).toMatchObject({ status: 'New', deliveryDate: '2025-12-01' });
    expect(await fixture.reader.stateAsOf(fixture.em(), 'orders', id, new Date('2000-01-01'))).toEqual({ revision: null, at: null, state: null });
  });

  it('leaves no history when the flush fails, and rolls the flush back when history fails', async () => {
    const id = await createOrder(fixture);
    before = (await fixture.changes()).length;
    // An explicit transaction that fails after flushing.
    await expect(
      fixture.em().transactional(async (em) => {
        const order = await em.findOneOrFail(Order, id);
        order.totalPrice = 1;
        await em.flush();
        throw new Error('business rule');
      }),
    ).rejects.toThrow('business rule');
    // A flush whose own write fails (unknown status id violates the foreign key).
    const em = fixture.em();
    const order = await em.findOneOrFail(Order, id);
    order.status = em.getReference(Status, 99);
    await expect(em.flush()).rejects.toThrow();
    expect(await newChanges()).toEqual([]);
    // A history write that fails aborts the flush.
    const em2 = fixture.em();
    const order2 = await em2.findOneOrFail(Order, id);
    order2.totalPrice = failingPrice;
    await expect(em2.flush()).rejects.toThrow('history write fails on purpose');
    expect((await fixture.em().findOneOrFail(Order, id)).totalPrice).toBe(1000);
    expect(await newChanges()).toEqual([]);
  });

  it('writes one revision per flush inside an application transaction', async () => {
    const id = await createOrder(fixture);
    const revisionsBefore = await fixture.revisions();
    await fixture.em().transactional(async (em) => {
      const order = await em.findOneOrFail(Order, id);
      order.totalPrice = 100;
      await em.flush();
      order.totalPrice = 200;
      await em.flush();
    });
    expect(await fixture.revisions()).toBe(revisionsBefore + 2);
  });

  it('attributes concurrent flushes to their own actors', async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, () => createOrder(fixture)));
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        withAuditContext({ actor: { id: i, username: `user${i}` } }, async () => {
          const em = fixture.em();
          const order = await em.findOneOrFail(Order, ids[i % 3] as number);
          await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
          order.totalPrice = 10_000 + i;
          await em.flush();
        }),
      ),
    );
    const entries = (await Promise.all(ids.map((id) => fixture.reader.history(fixture.em(), 'orders', id, { limit: 50 })))).flatMap((page) => page.items);
    const updates = entries.filter((entry) => entry.action === 'update');
    expect(updates.length).toBeGreaterThan(0);
    for (const entry of updates) {
      const i = Number(entry.actor?.username.slice(4));
      expect(entry.changes.at(-1)?.new).toBe(`€${((10_000 + i) / 100).toFixed(2)}`);
    }
  });

  it('records bulk writes explicitly, with a system actor', async () => {
    const id = await createOrder(fixture);
    await withAuditContext({ actor: systemActor }, () =>
      fixture.em().transactional(async (em) => {
        await em.nativeUpdate(Order, { id }, { totalPrice: 0 });
        await recordBulkChange(em, {
          entityType: 'orders',
          entityIds: [id],
          changes: [{ field: 'totalPrice', old: '€10.00', new: '€0.00' }],
          scopes: { [id]: 1 },
        });
      }),
    );
    const [entry] = (await fixture.reader.history(fixture.em(), 'orders', id, { limit: 1 })).items;
    expect(entry).toMatchObject({ action: 'update', actor: { id: null, username: 'system' } });
    expect(entry?.changes[0]?.text).toBe('Total price changed from €10.00 to €0.00');
  });

  it('reads a create written before creates kept their fields in the state alone', async () => {
    const em = fixture.em();
    const revision = await em.insert(AuditRevision, { createdAt: new Date(), actorId: null, actorName: null, correlationId: null });
    await em.insert(AuditChange, {
      revision,
      entityType: 'orders',
      entityId: '999001',
      action: 'create',
      scope: '1',
      changes: [{ field: 'status', old: null, new: 'New' }],
      collections: [],
      state: { status: 'New', totalPrice: '€1.00' },
    });
    const [entry] = (await fixture.reader.history(fixture.em(), 'orders', 999001, { limit: 1 })).items;
    expect(entry?.changes.map((change) => change.field)).toEqual(['status']);
  });

  it('orders history by revision, not by wall clock', async () => {
    const id = await createOrder(fixture);
    const em = fixture.em();
    const order = await em.findOneOrFail(Order, id);
    order.totalPrice = 1234;
    await em.flush();
    const [latest, first] = (await fixture.reader.history(fixture.em(), 'orders', id, { limit: 2 })).items;
    // A clock that stepped back: the later revision carries an earlier time.
    await fixture.em().nativeUpdate(AuditRevision, { id: latest?.revision as number }, { createdAt: new Date('2000-01-01T00:00:00Z') });
    const reread = (await fixture.reader.history(fixture.em(), 'orders', id, { limit: 2 })).items;
    expect(reread.map((entry) => entry.revision)).toEqual([latest?.revision, first?.revision]);
    expect(reread[0]?.at).toBe('2000-01-01T00:00:00.000Z');
  });

  it('reads unloaded memberships of many entities in one flush, each its own', async () => {
    const ids = [await createOrder(fixture), await createOrder(fixture, { products: [] }), await createOrder(fixture)];
    let em = fixture.em();
    const third = await em.findOneOrFail(Order, ids[2] as number);
    third.products.set([em.getReference(Product, 3)]);
    await em.flush();
    before = (await fixture.changes()).length;
    em = fixture.em();
    const orders = await em.find(Order, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
    for (const order of orders) order.totalPrice += 1;
    await em.flush();
    expect(orders.every((order) => !order.products.isInitialized())).toBe(true);
    const changes = await newChanges();
    expect(changes.map((change) => (change.state as Record<string, unknown>).products)).toEqual([['TV', 'Laptop'], [], ['Mouse']]);
    expect(changes.every((change) => (change.collections as unknown[]).length === 0)).toBe(true);
  });
});

import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRevision, parseAge, pruneHistory } from '../src/index.ts';
import { createFixture, createOrder, type Fixture } from './fixture.ts';

describe('parseAge', () => {
  it('reads days, hours and minutes', () => {
    expect(parseAge('365d')).toBe(365 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('30m')).toBe(30 * 60_000);
  });
  it.each(['', '0d', '-1d', '10', '10w', '1.5d', 'd'])('rejects %j with AUDIT_INVALID_RETENTION', (value) => {
    expect(() => parseAge(value)).toThrowError(expect.objectContaining({ code: 'AUDIT_INVALID_RETENTION', statusCode: 400 }));
  });
});

describeEachDialect('pruning history', (dialect) => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await createFixture(dialect);
  });
  afterAll(() => fixture.close());

  it('deletes revisions older than the cutoff with their changes, in batches, and keeps the rest', async () => {
    const old = await Promise.all([createOrder(fixture), createOrder(fixture), createOrder(fixture)]);
    const em = fixture.em();
    await em.nativeUpdate(AuditRevision, {}, { createdAt: new Date('2020-01-01T00:00:00Z') });
    const recent = await createOrder(fixture);
    const pruned = await pruneHistory(fixture.em(), new Date('2021-01-01T00:00:00Z'), 2);
    expect(pruned).toBe(3);
    const remaining = await fixture.changes();
    expect(remaining.map((change) => Number(change.entity_id))).toEqual([recent]);
    expect(old.every((id) => !remaining.some((change) => Number(change.entity_id) === id))).toBe(true);
    expect(await fixture.revisions()).toBe(1);
  });
});

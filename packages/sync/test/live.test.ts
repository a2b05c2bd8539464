import { dialectNamed } from '@sluice/db';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SyncServer, SyncSubscriber } from '../src/index.ts';
import { createFixture, type Fixture, mappings, Node, type Orm, openOrm } from './fixture.ts';

/** A listener's pokes, and a way to wait for one that matches. */
function recorder() {
  const pokes: { watermark: number; mappings: string[] }[] = [];
  const poke = (watermark: number, names: string[]) => void pokes.push({ watermark, mappings: names });
  const until = async (match: (seen: typeof pokes) => boolean) => {
    for (let waited = 0; !match(pokes); waited += 10) {
      if (waited > 10_000) throw new Error(`no matching poke in 10 s: ${JSON.stringify(pokes)}`);
      await new Promise((wake) => setTimeout(wake, 10));
    }
  };
  return { pokes, poke, until };
}

/** Long enough for several feed rounds (50 ms each) to have run. */
const quiet = () => new Promise((wake) => setTimeout(wake, 400));

describeEachDialect('live pokes', (dialect) => {
  let f: Fixture;
  /** A second server instance on the same database, with its own ORM: another machine. */
  let other: { orm: Orm; server: SyncServer };
  const center = (centerId: number, name = 'live') => {
    const em = f.em();
    em.create(Node, { name, centerId });
    return em.flush();
  };

  beforeAll(async () => {
    f = await createFixture(dialect);
    const orm = await openOrm(f.database, [new SyncSubscriber(mappings)]);
    const server = new SyncServer({ mappings });
    await server.init(orm.em.fork());
    other = { orm, server };
  });
  afterAll(async () => {
    await other?.orm.close(true);
    await f?.close();
  });

  it('pokes a subject when a change in its scopes commits, and only then', async () => {
    const one = recorder();
    const all = recorder();
    const listening = [
      await f.server.listen({ id: 'one', scopes: ['1'] }, {}, one.poke),
      await f.server.listen({ id: 'all', scopes: 'all' }, { mappings: ['nodes'] }, all.poke),
    ];
    try {
      await center(2);
      await all.until((pokes) => pokes.length === 1);
      await quiet();
      expect(one.pokes).toEqual([]);
      await center(1);
      await one.until((pokes) => pokes.length === 1);
      expect(one.pokes[0]?.mappings).toContain('nodes');
      await all.until((pokes) => pokes.length === 2);
      expect(all.pokes.map((poke) => poke.mappings)).toEqual([['nodes'], ['nodes']]);
      expect(one.pokes[0]?.watermark).toBeGreaterThan(listening[0]?.watermark ?? Number.POSITIVE_INFINITY);
    } finally {
      for (const { stop } of listening) stop();
    }
  });

  it('pokes listeners of another server instance, whichever instance the change committed through', async () => {
    const elsewhere = recorder();
    const { stop } = await other.server.listen({ id: 'one', scopes: ['1'] }, {}, elsewhere.poke);
    try {
      await center(1, 'through A');
      await elsewhere.until((pokes) => pokes.some((poke) => poke.mappings.includes('nodes')));
    } finally {
      stop();
    }
  });

  it('holds the poke while the writing transaction is open, and never pokes for a rolled-back one', async () => {
    const seen = recorder();
    const { stop } = await f.server.listen({ id: 'one', scopes: ['1'] }, {}, seen.poke);
    try {
      await f
        .em()
        .transactional(async (em) => {
          em.create(Node, { name: 'rolled back', centerId: 1 });
          await em.flush();
          throw new Error('rolled back on purpose');
        })
        .catch(() => {});
      const commit = Promise.withResolvers<void>();
      const written = Promise.withResolvers<void>();
      const committed = f.em().transactional(async (em) => {
        em.create(Node, { name: 'held', centerId: 1 });
        await em.flush();
        written.resolve();
        await commit.promise;
      });
      await written.promise;
      // An embedded database has one writer: a held transaction would hold the feed's reads too.
      if (!dialectNamed(dialect).embedded) {
        await quiet();
        expect(seen.pokes).toEqual([]);
      }
      commit.resolve();
      await committed;
      await seen.until((pokes) => pokes.length === 1);
      await quiet();
      expect(seen.pokes).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('pokes at once a listener that comes back with a watermark older than changes committed meanwhile', async () => {
    const first = recorder();
    const { watermark, stop } = await f.server.listen({ id: 'one', scopes: ['1'] }, {}, first.poke);
    stop();
    await center(1, 'while away');
    await center(3, 'not mine');
    const back = recorder();
    const again = await f.server.listen({ id: 'one', scopes: ['1'] }, { since: watermark }, back.poke);
    try {
      expect(back.pokes).toHaveLength(1);
      expect(back.pokes[0]?.mappings).toContain('nodes');
      const unaffected = recorder();
      const mine = await f.server.listen({ id: 'two', scopes: ['2'] }, { since: watermark }, unaffected.poke);
      mine.stop();
      expect(unaffected.pokes).toEqual([]);
    } finally {
      again.stop();
    }
  });
});

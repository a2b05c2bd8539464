/**
 * Pagination at depth: `node --expose-gc bench/pagination.bench.ts --people 1000000 --dialects postgresql,sqlite`.
 * Seeds a fresh database per dialect, then times (median of 31 after a warm-up; OFFSET: of 3) a 50-row page ordered
 * by lastName: the first page, the page at depth 900,000 by cursor, by OFFSET (QueryBuilder), and by
 * MikroORM's em.findByCursor; then walks every row with `iterate` (raw rows), with rows/s and peak RSS.
 */

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dialectNamed, isDialectName } from '@sluice/db';
import { paginateQueryBuilder } from '@sluice/pagination';
import { createTestDatabase } from '@sluice/test-utils';
import { Person } from '../apps/demo/src/db/entities/index.ts';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '1000000' }, dialects: { type: 'string', default: 'postgresql,sqlite' } } });
const people = Number(values.people);
const depth = Math.floor(people * 0.9);
const limit = 50;

async function median(run: () => Promise<unknown>, repeat = 31): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

for (const dialect of values.dialects.split(',')) {
  if (!isDialectName(dialect)) throw new Error(`unknown dialect ${dialect}`);
  const database = await createTestDatabase(dialect);
  const { orm } = await openDatabase(database.url);
  try {
    // Seeding runs in its own process so that this one's memory reflects pagination only.
    execFileSync(process.execPath, [join(import.meta.dirname, '../apps/demo/src/cli/seed.ts'), '--people', String(people)], {
      env: { ...process.env, DATABASE_URL: database.url },
      stdio: 'inherit',
    });
    await orm.em.getConnection().execute(dialectNamed(dialect).analyze(['person']));

    const em = orm.em.fork();
    const query = () =>
      paginateQueryBuilder(em, em.createQueryBuilder(Person, 'p'), {
        orderings: { lastName: { expression: 'p.last_name', type: 'string' } },
        maxOffset: people,
      });
    const orderBy = [{ name: 'lastName' }];
    const anchor = await query().paginate({ limit: 1, offset: depth - 1, orderBy });
    const anchorEntity = (
      await em
        .createQueryBuilder(Person, 'p')
        .orderBy({ lastName: 'asc', id: 'asc' })
        .limit(1)
        .offset(depth - 1)
        .getResultList()
    )[0] as Person;
    em.clear();

    const first = await median(async () => {
      await query().paginate({ limit, orderBy });
      em.clear();
    });
    const deepCursor = await median(async () => {
      const page = await query().paginate({ limit, orderBy, after: anchor.nextCursor as string });
      if (page.items.length !== limit) throw new Error('short deep page');
      em.clear();
    });
    const deepOffset = await median(async () => {
      await em.createQueryBuilder(Person, 'p').orderBy({ lastName: 'asc', id: 'asc' }).limit(limit).offset(depth).getResultList();
      em.clear();
    }, 3);
    const findByCursor = await median(async () => {
      const page = await em.findByCursor(Person, {
        first: limit,
        after: { lastName: anchorEntity.lastName, id: anchorEntity.id },
        orderBy: { lastName: 'asc', id: 'asc' },
        includeCount: false,
      });
      if (page.items.length !== limit) throw new Error('short findByCursor page');
      em.clear();
    });

    let rows = 0;
    const rssAtStart = process.memoryUsage().rss;
    let rssAtTenth = 0;
    let peakRss = rssAtStart;
    // Live heap after a full GC (run with --expose-gc) shows what the walk retains; RSS also shows GC laziness.
    const gc = (globalThis as { gc?: () => void }).gc;
    const heapAfterGc: number[] = [];
    let pages = 0;
    const trackMemory = () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (rows >= people / 10 && rssAtTenth === 0) rssAtTenth = process.memoryUsage().rss;
      if (gc && ++pages % Math.max(1, Math.floor(people / 10_000)) === 0) {
        gc();
        heapAfterGc.push(process.memoryUsage().heapUsed);
      }
    };
    const walkStarted = performance.now();
    const raw = paginateQueryBuilder(em, em.createQueryBuilder(Person, 'p'), { orderings: {} }, { hydrate: false });
    for await (const _ of raw.iterate({ pageSize: 1_000, onCheckpoint: trackMemory })) rows++;
    const walkSeconds = (performance.now() - walkStarted) / 1000;

    console.log(`## ${dialect}, ${people} people, page of ${limit} by lastName at depth ${depth}`);
    console.log(`first page:            ${ms(first)}`);
    console.log(`deep page, cursor:     ${ms(deepCursor)}  (${(deepCursor / first).toFixed(2)}x first page)`);
    console.log(`deep page, OFFSET:     ${ms(deepOffset)}  (cursor is ${(deepOffset / deepCursor).toFixed(0)}x faster)`);
    console.log(`deep page, findByCursor: ${ms(findByCursor)}  (cursor/findByCursor ${(deepCursor / findByCursor).toFixed(2)}x)`);
    const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
    console.log(`iterate all: ${rows} rows in ${walkSeconds.toFixed(1)} s = ${Math.round(rows / walkSeconds)} rows/s`);
    console.log(`iterate RSS: ${mb(rssAtStart)} before, ${mb(rssAtTenth)} after 10% of rows, peak ${mb(peakRss)}`);
    if (heapAfterGc.length > 1) console.log(`iterate heap after GC: ${mb(heapAfterGc[0] as number)} at 10%, ${mb(heapAfterGc.at(-1) as number)} at the end`);
  } finally {
    await orm.close(true);
    await database.drop();
  }
}

/**
 * One 1,000-row JSON parameter through `sqlRunner` against MikroORM's `connection.execute`:
 * `node --conditions=sluice-source bench/sql-runner.bench.ts [--dialects sqlite,postgresql,mariadb] [--rounds 60]`.
 * Per dialect, the insert a history flush makes (all rows in one JSON parameter the database unpacks),
 * run both ways in interleaved rounds, each rolled back by a delete: the Node process's CPU time per
 * statement (median after 5 warm-up rounds). `connection.execute` formats every parameter into the
 * SQL text in JavaScript; `sqlRunner` binds them.
 */

import { parseArgs } from 'node:util';
import { defineEntity, MikroORM, p } from '@mikro-orm/core';
import { isDialectName } from '@sluice/db';
import { dialectOf, sqlRunner } from '@sluice/db/mikro-orm';
import { createTestDatabase, mikroOrmConnection } from '@sluice/test-utils';
import { spread } from './stats.ts';

const { values } = parseArgs({ options: { dialects: { type: 'string', default: 'sqlite,postgresql,mariadb' }, rounds: { type: 'string', default: '60' } } });
const Target = defineEntity({ name: 'BenchTarget', tableName: 'bench_target', properties: { id: p.integer().primary(), body: p.text() } });
const rows = Array.from({ length: 1_000 }, (_, i) => ({ t: 'people', i: String(i), c: { lastName: ['Anne-Marie', `Zoë ${i} "x" \\ o'k`] }, l: null }));
const json = JSON.stringify(rows);

for (const name of values.dialects.split(',')) {
  if (!isDialectName(name)) throw new Error(`unknown dialect ${name}`);
  const database = await createTestDatabase(name);
  const orm = await MikroORM.init({ ...mikroOrmConnection(database), entities: [Target] });
  try {
    await orm.schema.create();
    const dialect = dialectOf(orm.em);
    const columns = [
      { name: 't', type: 'text' },
      { name: 'i', type: 'text' },
      { name: 'c', type: 'json' },
      { name: 'l', type: 'json' },
    ] as const;
    const sql = `insert into bench_target (body) select x.t from ${dialect.jsonRows(columns)}`;
    const cpu: Record<'formatted' | 'bound', number[]> = { formatted: [], bound: [] };
    for (let round = -5; round < Number(values.rounds); round++) {
      for (const side of round % 2 ? (['formatted', 'bound'] as const) : (['bound', 'formatted'] as const)) {
        const em = orm.em.fork();
        const started = process.cpuUsage();
        if (side === 'bound') await sqlRunner(em)(sql, [json]);
        else await em.getConnection().execute(sql, [json]);
        const used = process.cpuUsage(started);
        if (round >= 0) cpu[side].push((used.user + used.system) / 1000);
        await em.getConnection().execute('delete from bench_target');
      }
    }
    console.log(
      `${name}: Node CPU per statement (${(json.length / 1000).toFixed(0)} kB parameter): MikroORM's formatting ${spread(cpu.formatted, 2)} ms, bound ${spread(cpu.bound, 2)} ms`,
    );
  } finally {
    await orm.close(true);
    await database.drop();
  }
}

/**
 * What history adds to a flush of 1,000 updates in the Node process's CPU time, not only wall time:
 * `node --conditions=sluice-source bench/history-cpu.bench.ts` (`DIALECTS=...`, `ROUNDS=40`).
 * Robust on a busy machine, where wall times swing with the database's and the disk's turns; used to
 * compare this checkout with an older one (copied into it) for issue 21's regression.
 */

import { AuditSubscriber } from '@sluice/audit';
import { createTestDatabase } from '@sluice/test-utils';
import { demoAudit } from '../apps/demo/src/audit/tracked-entities.ts';
import { Person } from '../apps/demo/src/db/entities/index.ts';
import { openDatabase } from '../apps/demo/src/db/open-orm.ts';
import { seedPeople, seedReferenceData } from '../apps/demo/src/seed/seed-database.ts';

const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] as number;
for (const dialect of (process.env.DIALECTS ?? 'sqlite,postgresql,mariadb').split(',')) {
  const database = await createTestDatabase(dialect as never);
  const on = await openDatabase(database.url, { subscribers: [new AuditSubscriber(demoAudit)] });
  const off = await openDatabase(database.url, { subscribers: [] });
  await seedReferenceData(on.orm.em.fork());
  await seedPeople(on.orm.em.fork(), { people: 1000, seed: 3 });
  const added = { cpu: [] as number[], wall: [] as number[] };
  for (let round = -3; round < Number(process.env.ROUNDS ?? 40); round++) {
    const sample: Record<string, { cpu: number; wall: number }> = {};
    for (const [name, db] of round % 2
      ? ([
          ['on', on],
          ['off', off],
        ] as const)
      : ([
          ['off', off],
          ['on', on],
        ] as const)) {
      const em = db.orm.em.fork();
      const people = await em.find(Person, {}, { limit: 1000, orderBy: { id: 'asc' } });
      for (const person of people) person.lastName = `${name}${round}-${person.id}`;
      const cpu = process.cpuUsage();
      const wall = performance.now();
      await em.flush();
      const used = process.cpuUsage(cpu);
      sample[name] = { cpu: (used.user + used.system) / 1000, wall: performance.now() - wall };
    }
    if (round < 0) continue;
    added.cpu.push((sample.on?.cpu ?? 0) - (sample.off?.cpu ?? 0));
    added.wall.push((sample.on?.wall ?? 0) - (sample.off?.wall ?? 0));
  }
  console.log(
    `${dialect}: history adds ${med(added.cpu).toFixed(1)} ms of Node CPU, ${med(added.wall).toFixed(1)} ms wall, per flush of 1,000 updates (median of ${added.cpu.length})`,
  );
  await on.orm.close(true);
  await off.orm.close(true);
  await database.drop();
}

import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { login, startDemoServer } from '../../../../bench/demo-server.ts';
import { startTestApp, type TestApp } from '../test-app.ts';
import { type PersonDoc, RxdbClient } from './rxdb-client.ts';

describeEachDialect('sync with a real RxDB client', (dialect) => {
  let t: TestApp;
  let alice: string;
  let admin: string;
  let client: RxdbClient;
  const sql = (text: string, params: unknown[] = []) => t.orm.em.fork().getConnection().execute(text, params);
  const local = async () => (await client.people.find().exec()).map((doc) => doc.toJSON());

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 60 });
    alice = await t.login('alice');
    admin = await t.login('admin');
    client = new RxdbClient(await t.app.listen({ port: 0, host: '127.0.0.1' }), () => alice);
    await client.start();
  });
  afterAll(async () => {
    await client.stop();
    await t.close();
  });

  it('replicates the caller’s people, paged', async () => {
    const ids = (await sql('select id from person where center_id in (1, 2)')).map((row) => Number(row.id)).sort((a, b) => a - b);
    expect(ids.length).toBeGreaterThan(25);
    expect((await local()).map((doc) => doc.id).sort((a, b) => (a as number) - (b as number))).toEqual(ids);
  });

  it('pushes local inserts, updates and deletes live, and pulls server changes', async () => {
    const [a, b, c] = await local();
    await client.people.insert({
      key: 'rx-new-1',
      id: null,
      first_name: 'Rx',
      last_name: 'Created',
      gender: null,
      birthdate: '1990-05-06',
      nationality: 'BE',
      center_id: 1,
    });
    await (await client.people.findOne(a?.key).exec())?.incrementalPatch({ last_name: 'FromRx' });
    await (await client.people.findOne(b?.key).exec())?.remove();
    await t.request(admin, 'PATCH', `/api/people/${c?.id}`, { firstName: 'FromServer' });
    // Live both ways: every change reaches the other side without anyone asking.
    await client.until(async () => (await client.people.findOne(c?.key).exec())?.first_name === 'FromServer');
    await client.until(async () => (await sql('select last_name from person where id = ?', [a?.id]))[0]?.last_name === 'FromRx');
    await client.until(async () => (await sql('select id from person where id = ?', [b?.id])).length === 0);
    await client.until(async () => (await sql("select id from person where first_name = 'Rx' and last_name = 'Created'")).length === 1);
    expect((await sql("select center_id from person where first_name = 'Rx' and last_name = 'Created'")).map((row) => Number(row.center_id))).toEqual([1]);
    expect((await sql('select last_name from person where id = ?', [a?.id]))[0]?.last_name).toBe('FromRx');
    expect(await sql('select id from person where id = ?', [b?.id])).toHaveLength(0);
    expect((await client.people.findOne(c?.key).exec())?.first_name).toBe('FromServer');
    // The created document keeps its key and learns its server id.
    await client.until(async () => typeof (await client.people.findOne('rx-new-1').exec())?.id === 'number');
    expect((await client.people.findOne('rx-new-1').exec())?.id).toEqual(expect.any(Number));
    expect((await local()).filter((doc) => doc.first_name === 'Rx')).toHaveLength(1);
  });

  it('writes every row of a batch but the one someone else changed, whose server row RxDB gets back', async () => {
    const docs = (await local()).filter((candidate) => candidate.id !== null && candidate.first_name !== 'Rx').slice(0, 11);
    const [contested, ...others] = docs;
    expect(others).toHaveLength(10);
    await t.request(admin, 'PATCH', `/api/people/${contested?.id}`, { lastName: 'ServerWins' });
    const fields = (doc: (typeof docs)[number]) => Object.fromEntries(Object.entries(doc).filter(([name]) => !name.startsWith('_'))) as unknown as PersonDoc;
    await client.people.bulkUpsert(docs.map((doc) => ({ ...fields(doc), last_name: doc === contested ? 'ClientLoses' : 'BatchEdit' })));
    const stored = async () => {
      const rows = await sql(
        `select id, last_name from person where id in (${docs.map(() => '?').join(', ')})`,
        docs.map((doc) => doc.id),
      );
      return Object.fromEntries(rows.map((row) => [Number(row.id), row.last_name]));
    };
    const expected = Object.fromEntries(docs.map((doc) => [doc.id, doc === contested ? 'ServerWins' : 'BatchEdit']));
    await client.until(async () => JSON.stringify(await stored()) === JSON.stringify(expected));
    await client.until(async () => (await client.people.findOne(contested?.key).exec())?.last_name === 'ServerWins');
    expect(await stored()).toEqual(expected);
    // The conflict is answered with the row, not with a refused batch.
    expect(client.pushStatuses).not.toContain(409);
    expect(client.pushStatuses.every((status) => status === 200)).toBe(true);
  });

  it('receives a change made through another server instance live, without asking to pull', async () => {
    const [doc] = (await local()).filter((candidate) => candidate.id !== null && candidate.center_id === 1);
    const other = await startDemoServer(t.database.url);
    try {
      const token = await login(other.base, 'admin');
      await fetch(`${other.base}/api/people/${doc?.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ firstName: 'ViaOtherServer' }),
      });
      await client.until(async () => (await client.people.findOne(doc?.key).exec())?.first_name === 'ViaOtherServer');
    } finally {
      await other.stop();
    }
  });

  it('removes a person who left the caller’s centers', async () => {
    const [doc] = (await local()).filter((candidate) => candidate.id !== null && candidate.center_id === 2);
    await t.request(admin, 'PATCH', `/api/people/${doc?.id}`, { centerId: 3 });
    await client.until(async () => (await client.people.findOne(doc?.key).exec()) === null);
    expect(await client.people.findOne(doc?.key).exec()).toBeNull();
  });
});

import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';

// Values the bound statements of history and sync must carry exactly, through the demo's API.
const names = ["O'Brien ? $1 \\ 😀", "''; drop table person; --", '\\\\?\\', '$2 $1 ?? :x %s', '👩‍👩‍👧 \u2028中文 é', '"quoted" `back`'];

type Row = Record<string, unknown>;
// WatermelonDB carries ids and relation ids as strings, and id lists as JSON text (it has no array
// columns); everything else must be identical.
const isKey = (field: string) => field === 'id' || field.endsWith('_id') || field.endsWith('_ids');
const keyText = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(keyText)
    : typeof value === 'string' && value.startsWith('[')
      ? keyText(JSON.parse(value))
      : value === null
        ? null
        : String(value);
const canonical = (rows: Row[]) =>
  rows
    .map((row) =>
      JSON.stringify(
        Object.entries(row)
          .map(([field, value]) => [field, isKey(field) ? keyText(value) : value])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      ),
    )
    .sort();

describeEachDialect('history and sync carry bound values exactly; WatermelonDB first sync equals the paged pull', (dialect) => {
  let t: TestApp;
  let admin: string;
  let alice: string;
  const changed: number[] = [];

  beforeAll(async () => {
    // ~1,000 people and ~5,000 activities in alice's centers: WatermelonDB's answer spans many chunks.
    t = await startTestApp(dialect, { people: 1_900 });
    admin = await t.login('admin');
    alice = await t.login('alice');
  });
  afterAll(() => t.close());

  it('a person renamed through the API reads back exactly in history, sync pull and WatermelonDB', async () => {
    const page = (await t.request(alice, 'GET', `/api/people?limit=${names.length}&orderBy=id`)).json();
    for (const [index, person] of page.items.entries()) {
      const name = names[index] ?? '';
      const patch = await t.request(alice, 'PATCH', `/api/people/${person.id}`, { firstName: name, lastName: `${name}!` });
      expect(patch.statusCode, patch.body).toBe(200);
      expect(patch.json().firstName).toBe(name);
      changed.push(person.id);
      const history = (await t.request(alice, 'GET', `/api/history/people/${person.id}`)).json();
      const change = history.items[0].changes.find((c: { field: string }) => c.field === 'firstName');
      expect(change.new, 'history').toBe(name);
      expect(change.old).toBe(person.firstName);
      expect(change.text).toContain(name);
      const asOf = (await t.request(alice, 'GET', `/api/history/people/${person.id}/as-of?at=${encodeURIComponent(new Date().toISOString())}`)).json();
      expect(asOf.state.firstName ?? asOf.state.first_name, 'as-of').toBe(name);
    }
    // A created person too.
    const created = await t.request(alice, 'POST', '/api/people', { firstName: names[0], lastName: names[1], centerId: 2 });
    expect(created.statusCode, created.body).toBe(201);
    changed.push(created.json().id);

    const pulled = await pullAll(alice, 'people');
    const watermelon = await watermelonChanges(alice);
    for (const [index, id] of changed.entries()) {
      const want = index < names.length ? names[index] : names[0];
      expect(pulled.find((row) => Number(row.id) === id)?.first_name, `pull ${id}`).toBe(want);
      const melonRow = [...(watermelon.people?.created ?? []), ...(watermelon.people?.updated ?? [])].find((row: Row) => Number(row.id) === id);
      expect(melonRow?.first_name, `watermelon ${id}`).toBe(want);
    }
    const feed = (await t.request(admin, 'GET', '/api/history?limit=50')).json();
    const texts = feed.items.flatMap((item: { changes: { new: unknown }[] }) => item.changes.map((c) => c.new));
    for (const name of names) expect(texts).toContain(name);
  });

  it("WatermelonDB's first sync is valid JSON holding exactly the rows of the paged pull, for admin and alice", async () => {
    for (const token of [alice, admin]) {
      const watermelon = await watermelonChanges(token);
      let total = 0;
      for (const [mapping, changes] of Object.entries(watermelon)) {
        expect(changes.deleted, mapping).toEqual([]);
        const rows = [...changes.created, ...changes.updated];
        total += rows.length;
        expect(new Set(rows.map((row) => row.id)).size, `${mapping} duplicates`).toBe(rows.length);
        const melon = canonical(rows);
        const pulled = canonical(await pullAll(token, mapping));
        const onlyMelon = melon.filter((row) => !pulled.includes(row));
        const onlyPull = pulled.filter((row) => !melon.includes(row));
        expect({ onlyMelon: onlyMelon.slice(0, 3), onlyPull: onlyPull.slice(0, 3), counts: [onlyMelon.length, onlyPull.length] }, mapping).toEqual({
          onlyMelon: [],
          onlyPull: [],
          counts: [0, 0],
        });
      }
      expect(total).toBeGreaterThan(5_000);
    }
  });

  async function watermelonChanges(token: string): Promise<Record<string, { created: Row[]; updated: Row[]; deleted: unknown[] }>> {
    const response = await t.request(token, 'GET', '/api/sync/watermelon');
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const body = JSON.parse(response.body); // must parse: written in chunks
    expect(typeof body.timestamp).toBe('number');
    return body.changes;
  }

  async function pullAll(token: string, mapping: string): Promise<Row[]> {
    const rows: Row[] = [];
    let checkpoint: string | null = null;
    for (let page = 0; page < 1_000; page++) {
      const response = await t.request(token, 'POST', '/api/sync/pull', { mappings: { [mapping]: checkpoint }, limit: 700 });
      expect(response.statusCode, response.body).toBe(200);
      const result = response.json().mappings[mapping];
      expect(result.reset && page > 0).toBe(false);
      rows.push(...result.changes, ...result.newItems);
      checkpoint = result.checkpoint;
      if (!result.hasMore) return rows;
    }
    throw new Error('pull did not end');
  }
});

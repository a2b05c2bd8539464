import { describeEachDialect } from '@sluice/test-utils';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

describeEachDialect('exports API', (dialect) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 1_200 });
    alice = await t.login('alice');
    bob = await t.login('bob');
  });
  afterAll(() => t.close());

  it('lists what the caller may run, with JSON Schemas for forms', async () => {
    const { exports } = (await t.request(alice, 'GET', '/api/exports')).json();
    const countPeople = exports.find((e: { alias: string }) => e.alias === 'count_people');
    expect(countPeople).toMatchObject({ kind: 'tabular', type: 'person' });
    const birthdate = countPeople.filters.find((f: { alias: string }) => f.alias === 'person_birthdate');
    expect(birthdate.parameters).toMatchObject({ type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } });
    expect(countPeople.aggregators.map((a: { alias: string }) => a.alias)).toContain('person_age_bracket');
    expect(countPeople.formatters.map((f: { alias: string }) => f.alias)).toEqual(['csv', 'xlsx', 'ods', 'json']);
    expect(exports.find((e: { alias: string }) => e.alias === 'list_people').formatters.map((f: { alias: string }) => f.alias)).toEqual([
      'csv_list',
      'xlsx',
      'ods',
      'json',
    ]);
    expect((await t.request(bob, 'GET', '/api/exports')).json()).toEqual({ exports: [] });
    expect((await t.request(null, 'GET', '/api/exports')).statusCode).toBe(401);
  });

  it('checks a request without running it: sentences when valid, field issues in words when not', async () => {
    const valid = await t.request(alice, 'POST', '/api/exports/check', {
      export: 'count_activities',
      filters: { activity_type: { types: [1, 2] }, person_nationality: { countries: ['BE'] } },
      aggregators: { activity_period: { granularity: 'year' } },
      formatter: { alias: 'xlsx' },
    });
    expect(valid.json()).toEqual({
      description: [
        expect.any(String),
        'Filtered by activity type: Home visit, Phone call',
        'Filtered by nationality: Belgium',
        'Grouped by year of the activity',
      ],
      formatter: 'Excel (XLSX)',
    });
    const invalid = await t.request(alice, 'POST', '/api/exports/check', {
      export: 'count_people',
      filters: { person_birthdate: { from: '2000-01-01', to: '1990-01-01' }, person_gender: {} },
      formatter: { alias: 'csv' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details.issues).toEqual(
      expect.arrayContaining([
        { path: 'filters.person_birthdate.to', message: '"to" must not be before "from"' },
        { path: 'filters.person_gender.genders', message: 'choose at least one gender' },
      ]),
    );
    expect((await t.request(bob, 'POST', '/api/exports/check', { export: 'count_people', formatter: { alias: 'csv' } })).statusCode).toBe(403);
  });

  it('serves parameter schemas a form library renders in words: titles, labelled choices, sets as unique items', async () => {
    const { exports } = (await t.request(alice, 'GET', '/api/exports')).json();
    const countActivities = exports.find((e: { alias: string }) => e.alias === 'count_activities');
    const filter = (alias: string) => countActivities.filters.find((f: { alias: string }) => f.alias === alias).parameters;
    expect(filter('activity_type').properties.types).toMatchObject({
      title: 'Activity types',
      uniqueItems: true,
      items: { anyOf: expect.arrayContaining([{ const: 1, title: 'Home visit' }]) },
    });
    expect(filter('person_nationality').properties.countries.items.anyOf).toContainEqual({ const: 'BE', title: 'Belgium' });
    expect(filter('person_nationality').properties.countries.items.anyOf).toHaveLength(249);
    expect(filter('person_birthdate').properties.from.title).toBe('From');
    expect(countActivities.formatters.find((f: { alias: string }) => f.alias === 'csv').parameters.properties.bom.title).toBe('Byte order mark');
  });

  it('previews a tabular export with labels and sentences', async () => {
    const response = await t.request(alice, 'POST', '/api/exports/preview', {
      export: 'count_people',
      filters: { person_birthdate: { from: '1980-01-01', to: '1999-12-31' } },
      aggregators: { person_gender: {} },
      formatter: { alias: 'json' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json();
    expect(preview.columns).toEqual([
      { key: 'person_gender', label: 'Gender', type: 'text' },
      { key: 'count', label: 'Number of people', type: 'integer' },
    ]);
    expect(preview.description).toEqual(['Count people', 'Filtered by birthdate between January 1, 1980 and December 31, 1999', 'Grouped by gender']);
    expect(preview.rows[0][0]).toMatchObject({ value: 'female', label: 'Female' });
    const [row] = await t.orm.em
      .getConnection()
      .execute<{ n: number }[]>("select count(*) as n from person where center_id in (1, 2) and birthdate between '1980-01-01' and '1999-12-31'");
    expect(preview.rows.reduce((sum: number, cells: { value: number }[]) => sum + Number(cells[1]?.value), 0)).toBe(Number(row?.n));
  });

  it('caps list previews at 1,000 rows and says so', async () => {
    const preview = (await t.request(alice, 'POST', '/api/exports/preview', { export: 'list_activities', formatter: { alias: 'csv_list' } })).json();
    expect(preview.rows).toHaveLength(1_000);
    expect(preview.truncated).toBe(true);
  });

  it('downloads a CSV with the right type and name, equal to the preview', async () => {
    const request = {
      export: 'count_people',
      aggregators: { person_center: {}, person_gender: {} },
      formatter: { alias: 'csv', params: { pivot: { columns: ['person_gender'] } } },
    };
    const response = await t.request(alice, 'POST', '/api/exports/download', request);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="count-people-\d{4}-\d{2}-\d{2}\.csv"$/);
    const cells: string[][] = parse(response.body);
    expect(cells[0]?.[0]).toBe('Gender');
    expect(cells.slice(2).map((line: string[]) => line[0])).toEqual(['Brussels', 'Antwerp']);
    const list = await t.request(alice, 'POST', '/api/exports/download', { export: 'list_people', formatter: { alias: 'csv_list' } });
    const [count] = await t.orm.em.getConnection().execute<{ n: number }[]>('select count(*) as n from person where center_id in (1, 2)');
    expect(parse(list.body)).toHaveLength(Number(count?.n) + 1);
  });

  it('downloads XLSX and ODS lists that read back to the same rows', async () => {
    const XLSX = await import('xlsx');
    const [count] = await t.orm.em.getConnection().execute<{ n: number }[]>('select count(*) as n from person where center_id in (1, 2)');
    for (const alias of ['xlsx', 'ods']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/exports/download',
        headers: { authorization: `Bearer ${alice}` },
        payload: { export: 'list_people', formatter: { alias } },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toContain(`.${alias}"`);
      const book = XLSX.read(response.rawPayload, { type: 'buffer', cellDates: true });
      const rows = XLSX.utils.sheet_to_json<unknown[]>(book.Sheets[book.SheetNames[0] as string] as never, { header: 1 });
      expect(rows).toHaveLength(Number(count?.n) + 1);
      expect(rows[0]).toEqual(['Id', 'First name', 'Last name', 'Gender', 'Birthdate', 'Nationality', 'Center']);
      // An independent reader sees ids as numbers and birthdates as date cells of the very day stored.
      const [first] = await t.orm.em
        .getConnection()
        .execute('select id, birthdate from person where center_id in (1, 2) and birthdate is not null order by id limit 1');
      const row = rows.find((cells) => cells[0] === Number(first?.id)) as unknown[];
      expect(row[4]).toBeInstanceOf(Date);
      const stored = first?.birthdate instanceof Date ? first.birthdate.toISOString() : String(first?.birthdate);
      expect((row[4] as Date).toISOString().slice(0, 10)).toBe(stored.slice(0, 10));
    }
  });

  it('answers bad requests with 400 and codes, forbidden ones with 403', async () => {
    const cases: [string | null, unknown, number, string][] = [
      [
        alice,
        { export: 'count_people', filters: { person_birthdate: { from: '2000-01-01', to: '1990-01-01' } }, formatter: { alias: 'json' } },
        400,
        'EXPORT_INVALID_PARAMETERS',
      ],
      [alice, { export: 'nope', formatter: { alias: 'json' } }, 400, 'EXPORT_UNKNOWN_ELEMENT'],
      [alice, { export: 'count_people', filters: { activity_type: { types: [1] } }, formatter: { alias: 'json' } }, 400, 'EXPORT_NOT_APPLICABLE'],
      [alice, { export: 'count_people', scopes: [3], formatter: { alias: 'json' } }, 403, 'EXPORT_FORBIDDEN'],
      [bob, { export: 'count_people', formatter: { alias: 'json' } }, 403, 'EXPORT_FORBIDDEN'],
      [alice, { export: 'count_people' }, 400, 'EXPORT_INVALID_REQUEST'],
    ];
    for (const [token, body, status, code] of cases) {
      for (const url of ['/api/exports/preview', '/api/exports/download']) {
        const response = await t.request(token, 'POST', url, body);
        expect(response.statusCode, `${url} ${JSON.stringify(body)}`).toBe(status);
        expect(response.json().error.code).toBe(code);
      }
    }
  });
});

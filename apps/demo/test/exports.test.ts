import { CalendarDate, type ExportResult, FixedDecimal, type ListResult, runExport, type TabularResult } from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CurrentUser } from '../src/auth/current-user.ts';
import { demoExportRegistry } from '../src/exports/demo-exports.ts';
import { exportUser } from '../src/exports/export-user.ts';
import { startTestApp, type TestApp } from './test-app.ts';

const admin: CurrentUser = { id: 1, username: 'admin', roles: ['ADMIN'], centerIds: [1, 2, 3, 4] };
const alice: CurrentUser = { id: 2, username: 'alice', roles: ['EXPORT', 'HISTORY', 'SYNC'], centerIds: [1, 2] };
const bob: CurrentUser = { id: 3, username: 'bob', roles: [], centerIds: [3] };
const at = '2026-06-30';

type Row = Record<string, unknown>;

describeEachDialect('exports', (dialect) => {
  let t: TestApp;
  const registry = demoExportRegistry();
  let people: { id: number; gender: string | null; birthdate: string | null; nationality: string | null; center_id: number }[];
  let activities: { id: number; person_id: number; type_id: number; date: string; duration_minutes: number; center_id: number }[];

  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 400 });
    const connection = t.orm.em.getConnection();
    people = (await connection.execute('select id, gender, birthdate, nationality, center_id from person')).map((row) => ({
      ...row,
      id: Number(row.id),
      center_id: Number(row.center_id),
    })) as typeof people;
    activities = (
      await connection.execute(
        'select a.id, a.person_id, a.type_id, a.date, a.duration_minutes, p.center_id from activity a join person p on p.id = a.person_id',
      )
    ).map((row) => ({
      ...row,
      id: Number(row.id),
      person_id: Number(row.person_id),
      type_id: Number(row.type_id),
      duration_minutes: Number(row.duration_minutes),
      center_id: Number(row.center_id),
    })) as typeof activities;
  });
  afterAll(() => t.close());

  async function run(request: Record<string, unknown>, user = admin): Promise<ExportResult> {
    return runExport(registry.prepare({ formatter: { alias: 'json' }, ...request }, exportUser(user)), t.orm.em.fork(), { now: new Date(`${at}T12:00:00Z`) });
  }

  /** Result rows as `group values joined by | -> value`, for comparison with expectations. */
  function table(result: ExportResult, value = 'count'): Map<string, number> {
    const tabular = result as TabularResult;
    return new Map(tabular.rows.map((row) => [tabular.groupColumns.map((group) => String(row[group.key] ?? 'NULL')).join('|'), Number(row[value])]));
  }

  function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return counts;
  }

  const inRange = (day: string | null, from?: string, to?: string) => day !== null && (!from || day >= from) && (!to || day <= to);

  it('count_people grouped by gender and nationality equals SQL', async () => {
    const result = await run({ export: 'count_people', aggregators: { person_gender: {}, person_nationality: {} } });
    const [rows] = [await t.orm.em.getConnection().execute('select gender, nationality, count(*) as n from person group by gender, nationality')];
    expect(table(result)).toEqual(new Map(rows.map((row) => [`${row.gender ?? 'NULL'}|${row.nationality ?? 'NULL'}`, Number(row.n)])));
    const tabular = result as TabularResult;
    expect(tabular.labels.get('person_gender')?.get(null)).toBe('Unknown');
    expect(tabular.labels.get('person_nationality')?.get('BE')).toBe('Belgium');
  });

  it('each person filter alone and all combined equal the same filter in JavaScript', async () => {
    const hasActivity = (personId: number, from: string, to: string, types?: number[]) =>
      activities.some((a) => a.person_id === personId && a.date >= from && a.date <= to && (!types || types.includes(a.type_id)));
    const cases: [Record<string, unknown>, (p: (typeof people)[number]) => boolean][] = [
      [{ person_birthdate: { from: '1980-01-01', to: '1999-12-31' } }, (p) => inRange(p.birthdate, '1980-01-01', '1999-12-31')],
      [{ person_birthdate: { to: '1950-06-30' } }, (p) => inRange(p.birthdate, undefined, '1950-06-30')],
      [{ person_gender: { genders: ['female', 'unknown'] } }, (p) => p.gender === 'female' || p.gender === null],
      [{ person_nationality: { countries: ['BE', 'FR'] } }, (p) => p.nationality === 'BE' || p.nationality === 'FR'],
      [{ person_has_activity: { from: '2025-01-01', to: '2025-12-31' } }, (p) => hasActivity(p.id, '2025-01-01', '2025-12-31')],
      [{ person_has_activity: { from: '2024-01-01', to: '2025-12-31', types: [1, 2] } }, (p) => hasActivity(p.id, '2024-01-01', '2025-12-31', [1, 2])],
    ];
    for (const [filters, predicate] of cases) {
      const result = await run({ export: 'count_people', filters });
      expect(table(result).get(''), JSON.stringify(filters)).toBe(people.filter(predicate).length || undefined);
    }
    const combined = [cases[0], cases[2], cases[3], cases[4]] as (typeof cases)[number][];
    const all = Object.assign({}, ...combined.map(([filters]) => filters));
    const expected = people.filter((p) => combined.every(([, predicate]) => predicate(p))).length;
    expect(expected).toBeGreaterThan(0);
    expect(table(await run({ export: 'count_people', filters: all })).get('') ?? 0).toBe(expected);
  });

  it('counts a person with several matching activities once, and averages are not fanned out', async () => {
    const range = { from: '2024-01-01', to: '2026-06-30' };
    const matching = activities.filter((a) => a.date >= range.from && a.date <= range.to);
    const perPerson = countBy(matching, (a) => String(a.person_id));
    expect([...perPerson.values()].some((n) => n > 1)).toBe(true); // the data does fan out
    const result = await run({ export: 'count_people', filters: { person_has_activity: range } });
    expect(table(result).get('')).toBe(perPerson.size);

    const withPeople = activities.filter((a) => perPerson.has(String(a.person_id)));
    const average = await run({ export: 'avg_activity_duration', filters: { person_has_activity: range } });
    const row = (average as TabularResult).rows[0] as Row;
    expect(Number(row.count)).toBe(withPeople.length);
    // Declared with one decimal place: rounded to it on every dialect, still a number.
    const averageMinutes = row.average_minutes as FixedDecimal;
    expect(averageMinutes).toBeInstanceOf(FixedDecimal);
    expect(averageMinutes.places).toBe(1);
    expect(averageMinutes.value).toBeCloseTo(withPeople.reduce((sum, a) => sum + a.duration_minutes, 0) / withPeople.length, 1);
    expect(Number.isInteger(Math.round(averageMinutes.value * 10 * 1e6) / 1e6)).toBe(true);
  });

  it('aggregates by center, age bracket, activity type and period the same way on every dialect', async () => {
    expect(table(await run({ export: 'count_people', aggregators: { person_center: {} } }))).toEqual(countBy(people, (p) => String(p.center_id)));
    const age = (birthdate: string) => {
      const [y, m, d] = birthdate.split('-').map(Number) as [number, number, number];
      const [ry, rm, rd] = at.split('-').map(Number) as [number, number, number];
      return ry - y - (rm < m || (rm === m && rd < d) ? 1 : 0);
    };
    const brackets = await run({ export: 'count_people', aggregators: { person_age_bracket: { bracketSize: 10, at } } });
    expect(table(brackets)).toEqual(countBy(people, (p) => (p.birthdate === null ? 'NULL' : String(Math.floor(age(p.birthdate) / 10) * 10))));
    expect((brackets as TabularResult).labels.get('person_age_bracket')?.get(30)).toBe('30-39');

    expect(table(await run({ export: 'count_activities', aggregators: { activity_type: {} } }))).toEqual(countBy(activities, (a) => String(a.type_id)));
    const isoWeek = (day: string) => {
      const thursday = new Date(`${day}T00:00:00Z`);
      thursday.setUTCDate(thursday.getUTCDate() - ((thursday.getUTCDay() + 6) % 7) + 3);
      const year = thursday.getUTCFullYear();
      const firstThursday = new Date(Date.UTC(year, 0, 4));
      firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
      const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / 604_800_000);
      return `${year}-W${String(week).padStart(2, '0')}`;
    };
    for (const [granularity, key] of [
      ['year', (day: string) => day.slice(0, 4)],
      ['month', (day: string) => day.slice(0, 7)],
      ['week', isoWeek],
    ] as const) {
      const result = await run({ export: 'count_activities', aggregators: { activity_period: { granularity } } });
      expect(table(result), granularity).toEqual(countBy(activities, (a) => key(a.date)));
    }
    const combined = await run({
      export: 'count_activities',
      filters: { activity_date: { from: '2025-01-01' }, person_gender: { genders: ['male'] } },
      aggregators: { activity_type: {}, person_center: {} },
    });
    const males = new Set(people.filter((p) => p.gender === 'male').map((p) => p.id));
    expect(table(combined)).toEqual(
      countBy(
        activities.filter((a) => a.date >= '2025-01-01' && males.has(a.person_id)),
        (a) => `${a.type_id}|${a.center_id}`,
      ),
    );
  });

  it('lists stream every visible row once, in key order', async () => {
    const result = (await run(
      { export: 'list_people', formatter: { alias: 'csv_list' }, filters: { person_nationality: { countries: ['BE'] } } },
      alice,
    )) as ListResult;
    const ids: number[] = [];
    for await (const row of result.rows) ids.push(Number(row[0]));
    const expected = people
      .filter((p) => p.nationality === 'BE' && [1, 2].includes(p.center_id))
      .map((p) => p.id)
      .sort((a, b) => a - b);
    expect(ids).toEqual(expected);
    expect(result.columns.map((c) => c.key)).toEqual(['id', 'first_name', 'last_name', 'gender', 'birthdate', 'nationality', 'center']);
  });

  it('list_activities and count_activities with activity filters equal SQL', async () => {
    const result = (await run({ export: 'list_activities', formatter: { alias: 'csv_list' }, filters: { activity_type: { types: [2, 3] } } })) as ListResult;
    const listed: unknown[][] = [];
    for await (const row of result.rows) listed.push(row);
    const expected = await t.orm.em
      .getConnection()
      .execute(
        'select a.id, a.date, t.name, a.duration_minutes, p.id as person_id, p.first_name, p.last_name from activity a join activity_type t on t.id = a.type_id join person p on p.id = a.person_id where a.type_id in (2, 3) order by a.id',
      );
    // Typed columns: ids and durations are numbers, dates a calendar day (the same on every dialect).
    const day = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value)).slice(0, 10);
    expect(listed.map((row) => [row[0], String(row[1]), row[2], row[3], row[4], row[5]])).toEqual(
      expected.map((row) => [
        Number(row.id),
        day(row.date),
        row.name,
        Number(row.duration_minutes),
        Number(row.person_id),
        `${row.first_name} ${row.last_name}`,
      ]),
    );
    expect(listed[0]?.[1]).toBeInstanceOf(CalendarDate);
    expect(listed.map((row) => String(row[6]))).toEqual(expected.map((row) => (Number(row.duration_minutes) / 60).toFixed(2)));
    const counted = await run({
      export: 'count_activities',
      filters: { activity_type: { types: [2, 3] }, activity_date: { from: '2025-01-01', to: '2025-06-30' } },
    });
    expect(table(counted).get('')).toBe(activities.filter((a) => [2, 3].includes(a.type_id) && a.date >= '2025-01-01' && a.date <= '2025-06-30').length);
  });

  it('limits rows to the chosen centers and checks roles in each of them', async () => {
    expect(table(await run({ export: 'count_people' }, alice)).get('')).toBe(people.filter((p) => [1, 2].includes(p.center_id)).length);
    expect(table(await run({ export: 'count_people', scopes: [2] }, alice)).get('')).toBe(people.filter((p) => p.center_id === 2).length);
    expect(() => registry.prepare({ export: 'count_people', scopes: [3], formatter: { alias: 'json' } }, exportUser(alice))).toThrowError(
      expect.objectContaining({ code: 'EXPORT_FORBIDDEN' }),
    );
    expect(() => registry.prepare({ export: 'count_people', formatter: { alias: 'json' } }, exportUser(bob))).toThrowError(
      expect.objectContaining({ code: 'EXPORT_FORBIDDEN' }),
    );
    expect(registry.available(exportUser(bob))).toEqual([]);
    expect(registry.available(exportUser(alice)).map((e) => e.alias)).toEqual([
      'count_people',
      'list_people',
      'count_activities',
      'avg_activity_duration',
      'list_activities',
    ]);
  });

  it('rejects bad requests with codes that name the element and field', () => {
    const user = exportUser(admin);
    const cases: [unknown, string, RegExp?][] = [
      ['not an object', 'EXPORT_INVALID_REQUEST'],
      [{ export: 'count_people' }, 'EXPORT_INVALID_REQUEST', /formatter/],
      [{ export: 'count_robots', formatter: { alias: 'json' } }, 'EXPORT_UNKNOWN_ELEMENT', /count_robots/],
      [{ export: 'count_people', filters: { person_shoe_size: {} }, formatter: { alias: 'json' } }, 'EXPORT_UNKNOWN_ELEMENT', /person_shoe_size/],
      [{ export: 'count_people', formatter: { alias: 'pdf' } }, 'EXPORT_UNKNOWN_ELEMENT', /pdf/],
      [
        { export: 'count_people', filters: { person_birthdate: { from: '1999-12-31', to: '1980-01-01' } }, formatter: { alias: 'json' } },
        'EXPORT_INVALID_PARAMETERS',
        /filters\.person_birthdate\.to/,
      ],
      [
        { export: 'count_people', filters: { person_birthdate: { from: 19800101 } }, formatter: { alias: 'json' } },
        'EXPORT_INVALID_PARAMETERS',
        /filters\.person_birthdate\.from/,
      ],
      [
        { export: 'count_people', aggregators: { person_age_bracket: { bracketSize: 0 } }, formatter: { alias: 'json' } },
        'EXPORT_INVALID_PARAMETERS',
        /aggregators\.person_age_bracket\.bracketSize/,
      ],
      [{ export: 'count_people', filters: { activity_date: { from: '2025-01-01' } }, formatter: { alias: 'json' } }, 'EXPORT_NOT_APPLICABLE', /activity_date/],
      [{ export: 'list_people', formatter: { alias: 'csv' } }, 'EXPORT_NOT_APPLICABLE', /formatter/],
      [{ export: 'list_people', aggregators: { person_gender: {} }, formatter: { alias: 'csv_list' } }, 'EXPORT_NOT_APPLICABLE', /aggregators/],
      [
        { export: 'count_people', formatter: { alias: 'csv', params: { pivot: { columns: ['person_gender'] } } } },
        'EXPORT_INVALID_PARAMETERS',
        /formatter\.pivot/,
      ],
    ];
    for (const [request, code, message] of cases) {
      let thrown: { code?: string; message?: string; statusCode?: number } | undefined;
      try {
        registry.prepare(request, user);
      } catch (error) {
        thrown = error as typeof thrown;
      }
      expect(thrown?.code, JSON.stringify(request)).toBe(code);
      expect(thrown?.statusCode).toBe(400);
      if (message) expect(thrown?.message).toMatch(message);
    }
  });
});

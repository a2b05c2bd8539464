import type { AggregatorDefinition, ExportDefinition, FilterDefinition, ListExportDefinition } from '@sluice/export';
import { whereExists } from '@sluice/export';
import { z } from 'zod';
import { countryName, isCountryCode } from '../countries.ts';
import { Center, genders, Person } from '../db/entities/index.ts';
import { activityTypeChoices, choiceOf, countryChoices, labelOf, setOf } from './choices.ts';
import { dateRangeFilter, rangeCondition } from './date-range.ts';
import { dayText, rangeText } from './texts.ts';

const noParams = z.strictObject({});
const genderLabels: Record<string, string> = { female: 'Female', male: 'Male', other: 'Other' };

export const countPeople: ExportDefinition<Record<string, never>> = {
  alias: 'count_people',
  title: 'Count people',
  description: 'Number of people, grouped by the chosen aggregators',
  params: noParams,
  describe: (_, t) => t('Count people'),
  type: 'person',
  kind: 'tabular',
  requiredRole: 'EXPORT',
  accepts: ['person'],
  initiateQuery: (ctx) => ctx.em.createQueryBuilder(Person, 'p').where({ center: { $in: ctx.scopes.map(Number) } }),
  columns: () => [{ key: 'count', label: 'Number of people', expression: 'count(distinct p.id)', type: 'integer' }],
};

export const listPeople: ListExportDefinition<Record<string, never>> = {
  alias: 'list_people',
  title: 'List people',
  description: 'One row per person',
  params: noParams,
  describe: (_, t) => t('List people'),
  type: 'person',
  kind: 'list',
  requiredRole: 'EXPORT',
  accepts: ['person'],
  initiateQuery: (ctx) =>
    ctx.em
      .createQueryBuilder(Person, 'p')
      .join('p.center', 'c')
      .where({ center: { $in: ctx.scopes.map(Number) } }),
  columns: [
    { key: 'id', label: 'Id', expression: 'p.id', type: 'integer' },
    { key: 'first_name', label: 'First name', expression: 'p.first_name' },
    { key: 'last_name', label: 'Last name', expression: 'p.last_name' },
    { key: 'gender', label: 'Gender', expression: 'p.gender' },
    { key: 'birthdate', label: 'Birthdate', expression: 'p.birthdate', type: 'date' },
    { key: 'nationality', label: 'Nationality', expression: 'p.nationality' },
    { key: 'center', label: 'Center', expression: 'c.name' },
    { key: 'created_at', label: 'Recorded at', expression: 'p.created_at', type: 'datetime' },
  ],
  defaultColumns: ['id', 'first_name', 'last_name', 'gender', 'birthdate', 'nationality', 'center'],
  rowKey: { expression: 'p.id', type: 'integer' },
};

export const personBirthdateFilter = dateRangeFilter({
  alias: 'person_birthdate',
  title: 'Birthdate',
  description: 'People born in a date range',
  applyOn: 'person',
  column: 'p.birthdate',
  subject: 'birthdate',
});

const genderChoices = [...genders, 'unknown' as const].map((gender) => [gender, genderLabels[gender] ?? 'Unknown'] as const);
const gendersParams = z.strictObject({ genders: setOf(choiceOf(z.enum([...genders, 'unknown']), genderChoices), 'Genders') });
export const personGenderFilter: FilterDefinition<z.output<typeof gendersParams>> = {
  alias: 'person_gender',
  title: 'Gender',
  description: 'People of the chosen genders ("unknown" for none recorded)',
  params: gendersParams,
  describe: ({ genders: chosen }, t) => t('Filtered by gender: {{genders}}', { genders: chosen.map((g) => t(genderLabels[g] ?? 'Unknown')).join(', ') }),
  applyOn: 'person',
  apply: (qb, { genders: chosen }) => {
    const known = chosen.filter((gender) => gender !== 'unknown');
    const parts = known.length > 0 ? [`p.gender in (${known.map(() => '?').join(', ')})`] : [];
    if (chosen.includes('unknown')) parts.push('p.gender is null');
    qb.andWhere(`(${parts.join(' or ')})`, known);
  },
};

const countriesParams = z.strictObject({
  countries: setOf(choiceOf(z.string().refine(isCountryCode, 'is not an ISO 3166-1 alpha-2 code'), countryChoices), 'Nationalities'),
});
export const personNationalityFilter: FilterDefinition<z.output<typeof countriesParams>> = {
  alias: 'person_nationality',
  title: 'Nationality',
  description: 'People of the chosen nationalities',
  params: countriesParams,
  describe: ({ countries }, t) => t('Filtered by nationality: {{countries}}', { countries: countries.map((code) => countryName(code, t.locale)).join(', ') }),
  applyOn: 'person',
  apply: (qb, { countries }) => {
    qb.andWhere(`p.nationality in (${countries.map(() => '?').join(', ')})`, countries);
  },
};

const hasActivityParams = z
  .strictObject({
    from: z.iso.date().optional().meta({ title: 'From' }),
    to: z.iso.date().optional().meta({ title: 'To' }),
    types: setOf(choiceOf(z.number().int().positive(), activityTypeChoices), 'Activity types').optional(),
  })
  .refine((range) => range.from !== undefined || range.to !== undefined, { message: 'give "from", "to" or both' })
  .refine((range) => !range.from || !range.to || range.from <= range.to, { message: '"to" must not be before "from"', path: ['to'] });
export const personHasActivityFilter: FilterDefinition<z.output<typeof hasActivityParams>> = {
  alias: 'person_has_activity',
  title: 'Has an activity',
  description: 'People with at least one activity in a date range (and of given types)',
  params: hasActivityParams,
  describe: (params, t) => {
    const range = rangeText(params.from, params.to, t);
    if (!params.types) return t('Filtered by having an activity {{range}}', { range });
    const types = params.types.map((type) => t(labelOf(activityTypeChoices, type))).join(', ');
    return t('Filtered by having an activity {{range}} of type {{types}}', { range, types });
  },
  applyOn: 'person',
  apply: (qb, params) => {
    const conditions = [rangeCondition('pa.date', params)];
    if (params.types) conditions.push({ sql: `pa.type_id in (${params.types.map(() => '?').join(', ')})`, params: params.types.map(String) });
    whereExists(qb, 'activity pa', 'pa.person_id = p.id', conditions);
  },
};

export const personGenderAggregator: AggregatorDefinition<Record<string, never>> = {
  alias: 'person_gender',
  title: 'Gender',
  description: 'Group by gender',
  params: noParams,
  describe: (_, t) => t('Grouped by gender'),
  applyOn: 'person',
  keys: () => [{ key: 'person_gender', label: 'Gender', expression: 'p.gender' }],
  labels: (_, values, __, ctx) => new Map(values.map((value) => [value, ctx.t(value === null ? 'Unknown' : (genderLabels[String(value)] ?? String(value)))])),
};

export const personNationalityAggregator: AggregatorDefinition<Record<string, never>> = {
  alias: 'person_nationality',
  title: 'Nationality',
  description: 'Group by nationality',
  params: noParams,
  describe: (_, t) => t('Grouped by nationality'),
  applyOn: 'person',
  keys: () => [{ key: 'person_nationality', label: 'Nationality', expression: 'p.nationality' }],
  labels: (_, values, __, ctx) => new Map(values.map((value) => [value, value === null ? ctx.t('Unknown') : countryName(String(value), ctx.locale)])),
};

export const personCenterAggregator: AggregatorDefinition<Record<string, never>> = {
  alias: 'person_center',
  title: 'Center',
  description: 'Group by center',
  params: noParams,
  describe: (_, t) => t('Grouped by center'),
  applyOn: 'person',
  keys: () => [{ key: 'person_center', label: 'Center', expression: 'p.center_id' }],
  labels: async (_, values, __, ctx) => {
    const centers = await ctx.em.find(Center, { id: { $in: values.map(Number) } });
    return new Map(values.map((value) => [value, centers.find((center) => center.id === Number(value))?.name ?? String(value)]));
  },
};

const bracketParams = z.strictObject({
  bracketSize: z.number().int().min(1).max(100).default(10).meta({ title: 'Years per bracket' }),
  at: z.iso.date().optional().meta({ title: 'Age on', description: 'Ages are computed on this day (default: today)' }),
});
export const personAgeBracketAggregator: AggregatorDefinition<z.output<typeof bracketParams>> = {
  alias: 'person_age_bracket',
  title: 'Age bracket',
  description: 'Group by age in brackets of a chosen size',
  params: bracketParams,
  describe: (params, t) =>
    params.at
      ? t('Grouped by age in brackets of {{size}} years on {{day}}', { size: params.bracketSize, day: dayText(params.at, t) })
      : t('Grouped by age in brackets of {{size}} years', { size: params.bracketSize }),
  applyOn: 'person',
  keys: (params, ctx) => [
    {
      key: 'person_age_bracket',
      label: 'Age',
      expression: `${ctx.dialect.integerDivide(ctx.dialect.yearsBetween('p.birthdate', dayLiteral(params.at ?? new Date().toISOString().slice(0, 10))), params.bracketSize)} * ${params.bracketSize}`,
    },
  ],
  labels: (_, values, params, ctx) =>
    new Map(values.map((value) => [value, value === null ? ctx.t('Unknown') : `${Number(value)}-${Number(value) + params.bracketSize - 1}`])),
};

/** Every person element, for registration. */
export const personElements = {
  exports: [countPeople, listPeople],
  filters: [personBirthdateFilter, personGenderFilter, personNationalityFilter, personHasActivityFilter],
  aggregators: [personGenderAggregator, personNationalityAggregator, personCenterAggregator, personAgeBracketAggregator],
};

/** A validated `YYYY-MM-DD` only: safe as a SQL literal (grouping keys take no parameters). */
function dayLiteral(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new TypeError(`not a day: ${day}`);
  return `'${day}'`;
}

import type { AggregatorDefinition, ExportContext, ExportDefinition, FilterDefinition, ListExportDefinition } from '@sluice/export';
import { z } from 'zod';
import { Activity, ActivityType } from '../db/entities/index.ts';
import { activityTypeChoices, choiceOf, labelOf, setOf } from './choices.ts';
import { dateRangeFilter } from './date-range.ts';

const noParams = z.strictObject({});

/** Activities of people of the chosen centers; person filters work on the joined person `p`. */
function activities(ctx: ExportContext) {
  return ctx.em
    .createQueryBuilder(Activity, 'a')
    .join('a.person', 'p')
    .where({ 'p.center': { $in: ctx.scopes.map(Number) } } as never);
}

const activityExport = {
  params: noParams,
  type: 'activity',
  requiredRole: 'EXPORT',
  accepts: ['activity', 'person'],
} as const;

export const countActivities: ExportDefinition<Record<string, never>> = {
  ...activityExport,
  alias: 'count_activities',
  title: 'Count activities',
  description: 'Number of activities, grouped by the chosen aggregators',
  describe: (_, t) => t('Count activities'),
  kind: 'tabular',
  initiateQuery: activities,
  columns: () => [{ key: 'count', label: 'Number of activities', expression: 'count(distinct a.id)', type: 'integer' }],
};

export const averageActivityDuration: ExportDefinition<Record<string, never>> = {
  ...activityExport,
  alias: 'avg_activity_duration',
  title: 'Average activity duration',
  description: 'Average duration of activities in minutes, grouped by the chosen aggregators',
  describe: (_, t) => t('Average activity duration'),
  kind: 'tabular',
  initiateQuery: activities,
  columns: () => [
    // `* 1e0` averages doubles: MariaDB's AVG of integers is a DECIMAL cut to 4 places.
    { key: 'average_minutes', label: 'Average duration (minutes)', expression: 'avg(a.duration_minutes * 1e0)', type: 'decimal', precision: 1 },
    { key: 'count', label: 'Number of activities', expression: 'count(distinct a.id)', type: 'integer' },
  ],
};

export const listActivities: ListExportDefinition<Record<string, never>> = {
  ...activityExport,
  alias: 'list_activities',
  title: 'List activities',
  description: 'One row per activity',
  describe: (_, t) => t('List activities'),
  kind: 'list',
  initiateQuery: (ctx) => activities(ctx).join('a.type', 't'),
  columns: [
    { key: 'id', label: 'Id', expression: 'a.id', type: 'integer' },
    { key: 'date', label: 'Date', expression: 'a.date', type: 'date' },
    { key: 'type', label: 'Type', expression: 't.name' },
    { key: 'duration_minutes', label: 'Duration (minutes)', expression: 'a.duration_minutes', type: 'integer' },
    { key: 'person_id', label: 'Person id', expression: 'p.id', type: 'integer' },
    { key: 'person_name', label: 'Person', expression: "concat(p.first_name, ' ', p.last_name)" },
    { key: 'duration_hours', label: 'Duration (hours)', expression: 'a.duration_minutes / 60.0', type: 'decimal', precision: 2 },
  ],
  rowKey: { expression: 'a.id', type: 'integer' },
};

export const activityDateFilter = dateRangeFilter({
  alias: 'activity_date',
  title: 'Activity date',
  description: 'Activities in a date range',
  applyOn: 'activity',
  column: 'a.date',
  subject: 'activity date',
});

const typesParams = z.strictObject({ types: setOf(choiceOf(z.number().int().positive(), activityTypeChoices), 'Activity types') });
export const activityTypeFilter: FilterDefinition<z.output<typeof typesParams>> = {
  alias: 'activity_type',
  title: 'Activity type',
  description: 'Activities of the chosen types',
  params: typesParams,
  describe: ({ types }, t) => t('Filtered by activity type: {{types}}', { types: types.map((type) => t(labelOf(activityTypeChoices, type))).join(', ') }),
  applyOn: 'activity',
  apply: (qb, { types }) => {
    qb.andWhere(`a.type_id in (${types.map(() => '?').join(', ')})`, types);
  },
};

export const activityTypeAggregator: AggregatorDefinition<Record<string, never>> = {
  alias: 'activity_type',
  title: 'Activity type',
  description: 'Group by activity type',
  params: noParams,
  describe: (_, t) => t('Grouped by activity type'),
  applyOn: 'activity',
  keys: () => [{ key: 'activity_type', label: 'Activity type', expression: 'a.type_id' }],
  labels: async (_, values, __, ctx) => {
    const types = await ctx.em.find(ActivityType, { id: { $in: values.map(Number) } });
    return new Map(values.map((value) => [value, ctx.t(types.find((type) => type.id === Number(value))?.name ?? String(value))]));
  },
};

const periodParams = z.strictObject({ granularity: z.enum(['week', 'month', 'year']).default('month').meta({ title: 'Period' }) });
const periodLabels = { week: 'Week', month: 'Month', year: 'Year' } as const;
export const activityPeriodAggregator: AggregatorDefinition<z.output<typeof periodParams>> = {
  alias: 'activity_period',
  title: 'Activity period',
  description: 'Group by the ISO week, month or year of the activity',
  params: periodParams,
  describe: ({ granularity }, t) => t(`Grouped by ${granularity} of the activity`),
  applyOn: 'activity',
  keys: ({ granularity }, ctx) => [{ key: 'activity_period', label: periodLabels[granularity], expression: ctx.dialect.period('a.date', granularity) }],
  labels: (_, values) => new Map(values.map((value) => [value, String(value)])),
};

/** Every activity element, for registration. */
export const activityElements = {
  exports: [countActivities, averageActivityDuration, listActivities],
  filters: [activityDateFilter, activityTypeFilter],
  aggregators: [activityTypeAggregator, activityPeriodAggregator],
};

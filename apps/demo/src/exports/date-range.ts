import type { FilterDefinition } from '@sluice/export';
import { z } from 'zod';
import { rangeText } from './texts.ts';

/** `{from?, to?}` with at least one bound and `to` not before `from`. */
export const dateRange = z
  .strictObject({ from: z.iso.date().optional().meta({ title: 'From' }), to: z.iso.date().optional().meta({ title: 'To' }) })
  .refine((range) => range.from !== undefined || range.to !== undefined, { message: 'give "from", "to" or both' })
  .refine((range) => !range.from || !range.to || range.from <= range.to, { message: '"to" must not be before "from"', path: ['to'] });

export type DateRange = z.output<typeof dateRange>;

/** The SQL condition of a range on `column`, with its parameters. */
export function rangeCondition(column: string, range: DateRange): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (range.from) {
    parts.push(`${column} >= ?`);
    params.push(range.from);
  }
  if (range.to) {
    parts.push(`${column} <= ?`);
    params.push(range.to);
  }
  return { sql: parts.join(' and '), params };
}

/** A filter keeping rows whose `column` lies in a date range, e.g. birthdate or activity date. */
export function dateRangeFilter(options: {
  alias: string;
  title: string;
  description: string;
  applyOn: string;
  column: string;
  subject: string;
}): FilterDefinition<DateRange> {
  return {
    alias: options.alias,
    title: options.title,
    description: options.description,
    params: dateRange,
    describe: (range, t) => t('Filtered by {{subject}} {{range}}', { subject: t(options.subject), range: rangeText(range.from, range.to, t) }),
    applyOn: options.applyOn,
    apply: (qb, range) => {
      const { sql, params } = rangeCondition(options.column, range);
      qb.andWhere(sql, params);
    },
  };
}

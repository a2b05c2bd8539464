import type { SqlDialect } from '@sluice/pagination';

/** Validated `YYYY-MM-DD` only: safe to write into SQL as a literal (grouping keys take no parameters). */
function dateLiteral(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new TypeError(`not a day: ${day}`);
  return `'${day}'`;
}

/** Whole years between `birthdate` and the day `at`, the same on every dialect. */
export function ageInYears(dialect: SqlDialect, birthdate: string, at: string): string {
  const day = dateLiteral(at);
  if (dialect === 'postgresql') return `extract(year from age(cast(${day} as date), ${birthdate}))::int`;
  if (dialect === 'mysql') return `timestampdiff(year, ${birthdate}, ${day})`;
  return `(cast(strftime('%Y', ${day}) as integer) - cast(strftime('%Y', ${birthdate}) as integer) - (strftime('%m-%d', ${day}) < strftime('%m-%d', ${birthdate})))`;
}

/** `floor(value / size) * size` for non-negative integers, the same on every dialect. */
export function bracketStart(dialect: SqlDialect, value: string, size: number): string {
  if (!Number.isSafeInteger(size) || size < 1) throw new TypeError(`not a bracket size: ${size}`);
  return dialect === 'mysql' ? `((${value}) div ${size}) * ${size}` : `((${value}) / ${size}) * ${size}`;
}

/** Calendar period of a date as text: `2025`, `2025-03` or ISO week `2025-W09`, the same on every dialect. */
export function periodOf(dialect: SqlDialect, date: string, granularity: 'year' | 'month' | 'week'): string {
  const formats = {
    postgresql: { year: 'YYYY', month: 'YYYY-MM', week: 'IYYY-"W"IW' },
    mysql: { year: '%Y', month: '%Y-%m', week: '%x-W%v' },
    sqlite: { year: '%Y', month: '%Y-%m', week: '%G-W%V' },
  }[dialect][granularity];
  if (dialect === 'postgresql') return `to_char(${date}, '${formats}')`;
  if (dialect === 'mysql') return `date_format(${date}, '${formats}')`;
  return `strftime('${formats}', ${date})`;
}

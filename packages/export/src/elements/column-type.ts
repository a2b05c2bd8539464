import type { ResultColumn } from './export-definition.ts';

/** What a result column holds; formatters write each natively (date cells, numbers, ISO 8601 text). */
export type ColumnType = 'text' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean';

/**
 * A calendar day without a time or zone, as `YYYY-MM-DD`. Kept apart from `Date` (an instant) so a
 * birthdate never shifts by a time zone: spreadsheets get a date cell, text formats the ISO day.
 */
export class CalendarDate {
  readonly iso: string;

  constructor(iso: string) {
    this.iso = iso;
  }

  toString(): string {
    return this.iso;
  }

  toJSON(): string {
    return this.iso;
  }
}

const pad = (value: number) => String(value).padStart(2, '0');

function instant(value: unknown): Date | null {
  if (value instanceof Date) return value;
  // SQLite keeps date-times as epoch milliseconds; PostgreSQL and MariaDB send text or Date.
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) return new Date(Number(value));
  const text = String(value)
    .replace(' ', 'T')
    .replace(/([+-]\d{2})$/, '$1:00');
  const parsed = new Date(/[zZ]|[+-]\d{2}:\d{2}$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** A raw database value as the JavaScript value of its column type, the same on every dialect. */
export function typedValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'date': {
      if (value instanceof Date) return new CalendarDate(`${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`);
      const text = typeof value === 'number' ? new Date(value).toISOString() : String(value);
      return /^\d{4}-\d{2}-\d{2}/.test(text) ? new CalendarDate(text.slice(0, 10)) : text;
    }
    case 'datetime':
      return instant(value) ?? String(value);
    case 'integer':
    case 'decimal': {
      const number = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(number) && (type === 'decimal' || Number.isSafeInteger(number)) ? number : String(value);
    }
    case 'boolean':
      return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    default:
      return value instanceof Date ? value.toISOString() : value;
  }
}

/** Turns raw rows into typed ones, or null when every column is text (nothing to do per row). */
export function rowTyper(columns: readonly ResultColumn[]): ((row: unknown[]) => unknown[]) | null {
  const types = columns.map((column) => column.type ?? 'text');
  if (types.every((type) => type === 'text')) return null;
  return (row) => {
    for (let index = 0; index < types.length; index++) if (types[index] !== 'text') row[index] = typedValue(types[index] as ColumnType, row[index]);
    return row;
  };
}

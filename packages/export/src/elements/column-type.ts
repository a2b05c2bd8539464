import { rawBoolean, rawDay, rawInstant, rawNumber } from '@sluice/db';
import type { ResultColumn } from './export-definition.ts';

/** What a result column holds; formatters write each natively (date cells, numbers, ISO 8601 text). */
export const columnTypes = ['text', 'integer', 'decimal', 'date', 'datetime', 'boolean'] as const;
export type ColumnType = (typeof columnTypes)[number];

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

/** A raw database value as the JavaScript value of its column type, the same on every dialect. */
export function typedValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'date': {
      const day = rawDay(value);
      return /^\d{4}-\d{2}-\d{2}$/.test(day) ? new CalendarDate(day) : String(value);
    }
    case 'datetime':
      return rawInstant(value) ?? String(value);
    case 'integer':
    case 'decimal': {
      const number = rawNumber(value);
      return number !== null && (type === 'decimal' || Number.isSafeInteger(number)) ? number : String(value);
    }
    case 'boolean':
      return rawBoolean(value);
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

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

/**
 * A number with its declared decimal places: rounded once, written as a number with a number format by
 * spreadsheets, as fixed-point text by CSV (`91.60`), as a plain number by JSON.
 */
export class FixedDecimal {
  readonly value: number;
  readonly places: number;

  constructor(value: number, places: number) {
    const scale = 10 ** places;
    this.value = Math.round(value * scale) / scale;
    this.places = places;
  }

  toString(): string {
    return this.value.toFixed(this.places);
  }

  toJSON(): number {
    return this.value;
  }
}

/** Decimal places a column may declare: spreadsheet number formats exist for each. */
export const maxPrecision = 6;

/**
 * A raw database value as the JavaScript value of its column type, the same on every dialect; a
 * `decimal` with `precision` becomes a {@link FixedDecimal}.
 */
export function typedValue(type: ColumnType, value: unknown, precision?: number): unknown {
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
      if (number === null || !(type === 'decimal' || Number.isSafeInteger(number))) return String(value);
      return precision === undefined || type !== 'decimal' ? number : new FixedDecimal(number, precision);
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
    for (let index = 0; index < types.length; index++)
      if (types[index] !== 'text') row[index] = typedValue(types[index] as ColumnType, row[index], columns[index]?.precision);
    return row;
  };
}

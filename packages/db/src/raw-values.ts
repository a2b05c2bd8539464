/*
 * Drivers hand back the same column differently: SQLite date-times as epoch milliseconds, PostgreSQL as
 * text with an offset (`2025-01-01 10:00:00.123+00`) or a Date, MariaDB as UTC text without one; booleans
 * as 1/0, 't'/'f' or true/false. These read every form alike, so each package turns raw values into its
 * own (an export cell, a sync field, a history value) from one reading.
 */

const pad = (value: number) => String(value).padStart(2, '0');

/** An instant from any driver's date-time value, or null when it is not one. */
export function rawInstant(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) return new Date(Number(value));
  // `2025-01-01 10:00:00.123+00` (PostgreSQL), `2025-01-01 10:00:00.123` (MariaDB, UTC), a bare day.
  const text = String(value)
    .replace(' ', 'T')
    .replace(/(T[\d:.]+)([+-]\d{2}):?(\d{2})?$/, (_, time: string, hours: string, minutes?: string) => `${time}${hours}:${minutes ?? '00'}`);
  const zoned = /T.*([zZ]|[+-]\d{2}:\d{2})$/.test(text) ? text : /T/.test(text) ? `${text}Z` : `${text}T00:00:00Z`;
  const parsed = new Date(zoned);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

// A UTC date-time as PostgreSQL (`+00`) and MariaDB (no offset) write it, or already ISO: its ISO text
// follows from the digits alone. Month, day and time ranges are checked; anything else takes the Date.
const utcText = /^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))[ T]((?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)(?:\.(\d{1,9}))?(?:Z|\+00(?::?00)?)?$/;

/**
 * ISO 8601 text of a date-time value (the value as text when it is not one). Text in UTC is rewritten
 * without a Date: per row of a page, the Date round trip took over a tenth of an HTTP list request's CPU.
 */
export function rawIsoInstant(value: unknown): string {
  const match = typeof value === 'string' ? utcText.exec(value) : null;
  if (match) return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  return rawInstant(value)?.toISOString() ?? String(value);
}

/** The calendar day `YYYY-MM-DD` of a date value (a Date's UTC day: drivers read dates as UTC midnight). */
export function rawDay(value: unknown): string {
  if (value instanceof Date) return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  if (typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/** A boolean from any driver's form. */
export function rawBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

/** A number from a driver's integer or decimal (PostgreSQL sends bigint and numeric as text); null when not finite. */
export function rawNumber(value: unknown): number | null {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

/** A key as JSON: integers that fit a double exactly as numbers, anything else as text. */
export function rawKey(value: unknown): string | number {
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e15) return value;
  const text = String(value);
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

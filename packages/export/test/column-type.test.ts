import { describe, expect, it } from 'vitest';
import { CalendarDate, typedValue } from '../src/index.ts';

describe('typed column values', () => {
  it('normalise what each dialect returns to one value per type', () => {
    // SQLite: date-times as epoch milliseconds; PostgreSQL: text with an offset; MariaDB: Date or text.
    for (const raw of [Date.UTC(2025, 2, 4, 5, 6, 7), '2025-03-04 05:06:07+00', '2025-03-04 05:06:07', new Date('2025-03-04T05:06:07Z')])
      expect((typedValue('datetime', raw) as Date).toISOString()).toBe('2025-03-04T05:06:07.000Z');
    for (const raw of ['1815-12-10', new Date(Date.UTC(1815, 11, 10)), '1815-12-10T00:00:00.000Z'])
      expect(typedValue('date', raw)).toEqual(new CalendarDate('1815-12-10'));
    expect(typedValue('integer', '42')).toBe(42);
    expect(typedValue('integer', '9007199254740993')).toBe('9007199254740993');
    expect(typedValue('decimal', '1.25')).toBe(1.25);
    expect([1, 0, 't', 'f', true].map((raw) => typedValue('boolean', raw))).toEqual([true, false, true, false, true]);
    expect(typedValue('text', new Date('2025-01-01T00:00:00Z'))).toBe('2025-01-01T00:00:00.000Z');
    expect(typedValue('date', null)).toBeNull();
    expect(JSON.stringify({ day: new CalendarDate('2025-01-02') })).toBe('{"day":"2025-01-02"}');
  });
});

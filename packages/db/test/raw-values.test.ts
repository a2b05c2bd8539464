import { describe, expect, it } from 'vitest';
import { rawBoolean, rawDay, rawInstant, rawIsoInstant, rawKey, rawNumber } from '../src/index.ts';

describe('raw values read alike from every driver', () => {
  it('reads date-times in each driver form as the same instant', () => {
    const iso = '2025-01-01T10:00:00.123Z';
    for (const value of [
      new Date(iso),
      Date.parse(iso),
      String(Date.parse(iso)),
      '2025-01-01 10:00:00.123+00',
      '2025-01-01 10:00:00.123',
      '2025-01-01T11:00:00.123+0100',
      iso,
    ])
      expect(rawIsoInstant(value), String(value)).toBe(iso);
    expect(rawInstant('2025-01-01')?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    // The text fast path gives what the Date gives: fractions padded or cut to milliseconds, offsets of zero.
    for (const text of [
      '2025-01-01 10:00:00+00',
      '2025-01-01 10:00:00.1+00:00',
      '2025-01-01 10:00:00.123456',
      '1999-12-31T23:59:59.9999Z',
      '0999-02-28 00:00:00',
    ])
      expect(rawIsoInstant(text), text).toBe(new Date(`${text.replace(' ', 'T').replace(/\+00(:00)?$/, '')}${text.endsWith('Z') ? '' : 'Z'}`).toISOString());
    for (const text of ['2025-13-01 10:00:00', '2025-01-01 24:00:00', '2025-01-01 10:00:60+00', '2025-01-01 10:00:00+01'])
      expect(rawIsoInstant(text), text).toBe(rawInstant(text)?.toISOString() ?? text);
    expect(rawInstant('not a time')).toBeNull();
    expect(rawIsoInstant('not a time')).toBe('not a time');
  });

  it('reads days without a time zone shift, and booleans, numbers and keys', () => {
    expect([new Date('1980-02-29T00:00:00Z'), '1980-02-29', '1980-02-29 00:00:00', Date.UTC(1980, 1, 29)].map(rawDay)).toEqual(Array(4).fill('1980-02-29'));
    expect([true, 1, '1', 't', 'true', false, 0, '0', 'f', null].map(rawBoolean)).toEqual([true, true, true, true, true, false, false, false, false, false]);
    expect([3, '3.5', '1e3', 'x'].map(rawNumber)).toEqual([3, 3.5, 1000, null]);
    expect([7, '7', '9007199254740993', 'abc', '-12'].map(rawKey)).toEqual([7, 7, '9007199254740993', 'abc', -12]);
  });
});

import { describe, expect, it } from 'vitest';
import { localeFormat } from '../src/locale-format.ts';

describe('@sluice/react locale formats', () => {
  it('formats numbers, shares, sizes, durations and lists in the given locale', () => {
    const shown = (locale: string) => {
      const format = localeFormat(locale);
      return [format.number(1234.5), format.percent(0.42), format.bytes(1536), format.bytes(2_500_000), format.duration(95), format.list(['a', 'b', 'c'])];
    };
    expect(shown('en-US')).toEqual(['1,234.5', '42%', '1.5 kB', '2.5 MB', '1 min 35 sec', 'a, b, and c']);
    expect(shown('de-DE')).toEqual(['1.234,5', '42\u00a0%', '1,5 kB', '2,5 MB', '1 Min., 35 Sek.', 'a, b und c']);
  });

  it('keeps small sizes and short durations in their own unit, and never shows a negative wait', () => {
    const format = localeFormat('en-US');
    expect([format.bytes(0), format.bytes(999), format.duration(59.4), format.duration(-3)]).toEqual(['0 byte', '999 byte', '59 sec', '0 sec']);
  });

  it('shows a calendar day as that day in every time zone, in the words of the locale', () => {
    expect(['en-US', 'fr-BE', 'nl-BE'].map((locale) => localeFormat(locale).day('1980-01-31'))).toEqual(['Jan 31, 1980', '31 janv. 1980', '31 jan 1980']);
  });
});
